import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const KEY = 'fx-cli-key-0123456789abcdef';

/** Runs the real CLI with RABBITMQ_URL / REDIS_URL removed; resolves on exit or on `until` in its output. */
function warren(
  args: string[],
  until?: RegExp,
  extra: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, WARREN_API_KEYS: KEY, PORT: '18791', ...extra };
  for (const k of ['RABBITMQ_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN'])
    delete env[k];
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
  let out = '';
  return new Promise((done) => {
    const on = (b: Buffer) => {
      out += b;
      if (until?.test(out)) child.kill('SIGKILL');
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => done({ code, out }));
  });
}

describe('production commands without RABBITMQ_URL / REDIS_URL', () => {
  it.each(['ingest', 'worker'])('warren %s refuses to start, naming the variables', async (cmd) => {
    const { code, out } = await warren([cmd]);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`warren ${cmd}: no broker \\(set RABBITMQ_URL.*REDIS_URL.*--embedded`));
  });

  it('warren worker --embedded starts on the in-memory broker', async () => {
    const { out } = await warren(['worker', '--embedded'], /consuming[\s\S]*in-memory/);
    expect(out).toMatch(/broker: in-memory/);
  });
});

describe('numeric environment variables', () => {
  it.each([
    [['dev'], { PORT: 'abc' }, 'PORT'],
    [['ingest', '--embedded'], { PORT: '-5' }, 'PORT'],
    [['worker', '--embedded'], { METRICS_PORT: '90x' }, 'METRICS_PORT'],
    [['redis-rest'], { REDIS_REST_PORT: '70000' }, 'REDIS_REST_PORT'],
    [
      ['forward', '--from', 'amqp://h', '--queue', 'q', '--to', 'amqp://h'],
      { WARREN_SHUTDOWN_TIMEOUT_MS: 'soon' },
      'WARREN_SHUTDOWN_TIMEOUT_MS',
    ],
    // Past setTimeout's 2^31 - 1 ms the deadline fired after 1 ms: SIGTERM exited 1 at once.
    [['ingest', '--embedded'], { WARREN_SHUTDOWN_TIMEOUT_MS: '3000000000' }, 'WARREN_SHUTDOWN_TIMEOUT_MS'],
  ])('warren %s refuses %o, naming the variable', async (args, env, name) => {
    const { code, out } = await warren(args, undefined, env);
    expect(code).toBe(2);
    expect(out).toContain(`from env '${name}' is invalid`);
  });
});

describe('millisecond flags past what a timer holds (2^31 - 1)', () => {
  it.each([
    [['status', '--watch', '3000000000'], '--watch'],
    [['enqueue', 'demo.add', '{}', '--wait', '3000000000'], '--wait'],
  ])('warren %s is refused (status redrew every 1 ms)', async (args, flag) => {
    const { code, out } = await warren(args);
    expect(code).toBe(2);
    expect(out).toMatch(
      new RegExp(`${flag} <ms>' argument '3000000000' is invalid. must be at most 2147483647`),
    );
  });
});
