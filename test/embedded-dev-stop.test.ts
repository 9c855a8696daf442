import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { freePort, waitForPort } from './support/ports';

// `npm start` keeps its jobs in process memory: on Ctrl-C the ones still waiting (queued behind
// the running ones, delayed) are gone. They went without a word, so a user took the run for
// complete; RabbitMQ would have kept them. The stop now says how many were dropped.
it('warren dev on SIGINT runs its started jobs out, then names the queued and delayed jobs it drops', async () => {
  const port = await freePort();
  const proc = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev'], {
    env: { ...process.env, PORT: String(port), RABBITMQ_URL: '', REDIS_URL: '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (b) => (out += b));
  proc.stderr.on('data', (b) => (out += b));
  const guard = setTimeout(() => proc.kill('SIGKILL'), 90_000);
  try {
    await waitForPort(port, 30_000, 'warren dev');
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${port}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    // 20 runs of 2 s on a worker that runs 16 at once; one job 10 min ahead.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => post({ task: 'demo.sleep', input: { ms: 2000 } })),
    );
    statuses.push(await post({ task: 'demo.echo', input: 1, delayMs: 600_000 }));
    expect(statuses).toEqual(Array(21).fill(202));
    await new Promise((r) => setTimeout(r, 300));
    proc.kill('SIGINT');
    const code = await new Promise<number | null>((r) => proc.on('close', r));
    expect(code, out).toBe(0);
    const ran = out
      .split('\n')
      .filter((l) => l.includes('"task":"demo.sleep"') && l.includes('job succeeded'));
    const dropped = /in-memory broker: (\d+) queued and (\d+) delayed job\(s\) dropped/.exec(out);
    expect(dropped, out).not.toBeNull();
    // Whatever the worker had started ran out; every other one is counted.
    expect(Number(dropped![1]) + ran.length).toBe(20);
    expect(ran.length).toBeGreaterThan(0);
    expect(Number(dropped![2])).toBe(1);
  } finally {
    clearTimeout(guard);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
}, 120_000);

// The same for `warren ingest --embedded`: no worker shares its broker, so every job it took is
// still there at stop.
it('warren ingest --embedded on SIGTERM names the jobs it drops', async () => {
  const port = await freePort();
  const key = 'h62-embedded-ingest-key-0123';
  const proc = spawn(process.execPath, ['packages/cli/bin/warren.js', 'ingest', '--embedded'], {
    env: {
      ...process.env,
      PORT: String(port),
      WARREN_API_KEYS: key,
      RABBITMQ_URL: '',
      REDIS_URL: '',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (b) => (out += b));
  proc.stderr.on('data', (b) => (out += b));
  const guard = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  try {
    await waitForPort(port, 30_000, 'warren ingest');
    for (const body of [
      { task: 'demo.add', input: { a: 1, b: 2 } },
      { task: 'demo.echo', delayMs: 60_000 },
    ]) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(202);
    }
    proc.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => proc.on('close', r));
    expect(code, out).toBe(0);
    expect(out).toContain('in-memory broker: 1 queued and 1 delayed job(s) dropped');
  } finally {
    clearTimeout(guard);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
}, 90_000);
