import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

// WARREN_REGIONS holds broker URLs, passwords included. When it was not JSON (a trailing comma,
// the usual slip), the start-up error quoted V8's JSON.parse message, whose snippet is the ~10
// characters around the fault: with a short host the end of the password, printed on stderr
// (console.error, past the log redaction, which masks only a whole scheme://user:pass@).
it('a WARREN_REGIONS that is not JSON stops the process without quoting any of it', async () => {
  const regions = '[{"id":"local","brokers":["amqp://admin:TopSecretPw@mq",]}]';
  const p = spawn(process.execPath, ['packages/cli/bin/warren.js', 'worker', '--queues', 'default'], {
    env: { ...process.env, WARREN_REGIONS: regions, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout.on('data', (b) => (out += b));
  p.stderr.on('data', (b) => (out += b));
  const guard = setTimeout(() => p.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((r) => p.on('close', r));
  clearTimeout(guard);
  expect(code).toBe(1);
  expect(out).toMatch(/WARREN_REGIONS is not JSON/);
  expect(out).toMatch(/Unexpected token/); // what went wrong, still said
  expect(out).not.toMatch(/Secret|Pw@|@mq/);
}, 30_000);
