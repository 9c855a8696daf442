import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { freePort, isListening, waitForPort } from './support/ports';

// `npm start` runs `sh -c "warren dev"`; dash (Debian's and Ubuntu's /bin/sh) does not exec that
// command, so a SIGTERM to npm (a process manager, `timeout npm start`, an IDE's stop button)
// reaches only npm and sh: both exited and warren dev ran on, orphaned, holding its port, and the
// next `npm start` failed with EADDRINUSE. It now notices its parent is gone and shuts down.
it('warren dev (an npm script) whose parent shell dies shuts down (drained) instead of running on, orphaned', async () => {
  const port = await freePort();
  // `; true` keeps any shell from exec'ing node in its place, as dash's `sh -c` does not.
  const sh = spawn('/bin/sh', ['-c', `"${process.execPath}" packages/cli/bin/warren.js dev; true`], {
    // As npm runs a script (it sets npm_lifecycle_event, which the watch asks for).
    env: {
      ...process.env,
      npm_lifecycle_event: 'start',
      PORT: String(port),
      RABBITMQ_URL: '',
      REDIS_URL: '',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  sh.stdout.on('data', (b) => (out += b));
  sh.stderr.on('data', (b) => (out += b));
  let devPid: number | undefined;
  try {
    await waitForPort(port, 30_000, 'warren dev');
    // Its log lines carry its pid: the test's way to find (and, failing, kill) the orphan.
    const res = await fetch(`http://127.0.0.1:${port}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'demo.sleep', input: { ms: 1500 } }),
    });
    expect(res.status).toBe(202);
    const pidOf = () => /"pid":(\d+)/.exec(out)?.[1];
    for (let i = 0; i < 100 && !pidOf(); i++) await new Promise((r) => setTimeout(r, 100));
    devPid = Number(pidOf());
    expect(devPid, out).toBeGreaterThan(0);
    // Its stdout and stderr are the shell's pipes: they close when the last holder, warren dev,
    // has exited (a check that holds where an orphan is left a zombie by a non-reaping init).
    const closed = new Promise((r) => sh.once('close', () => r(true)));
    sh.kill('SIGTERM'); // the shell dies; warren dev is not signalled
    const gone = await Promise.race([closed, new Promise((r) => setTimeout(() => r(false), 15_000))]);
    expect(gone, out).toBe(true);
    expect(await isListening(port)).toBe(false);
    // The job it was running ran out first, as on SIGTERM.
    expect(out).toMatch(/parent process exited: shutting down/);
    expect(out).toMatch(/"task":"demo.sleep".*"job succeeded"/);
  } finally {
    if (devPid && alive(devPid)) process.kill(devPid, 'SIGKILL');
    sh.kill('SIGKILL');
  }
}, 60_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
