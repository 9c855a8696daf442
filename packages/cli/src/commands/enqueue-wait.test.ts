import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const PORT = 18796;
const env = () => {
  const e: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'RABBITMQ_URL',
    'REDIS_URL',
    'UPSTASH_REDIS_REST_URL',
    'UPSTASH_REDIS_REST_TOKEN',
    'WARREN_CONFIG',
  ])
    delete e[k];
  return e;
};
let dev: ChildProcess | undefined;

/** The real CLI; resolves with its exit code and output. */
function warren(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env: env() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
}

beforeAll(async () => {
  // `warren dev` on the embedded broker and store, with the example tasks (demo.add, demo.fail).
  dev = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev', '--port', String(PORT)], {
    cwd: ROOT,
    env: env(),
  });
  let out = '';
  await new Promise<void>((ready, fail) => {
    const on = (b: Buffer) => {
      out += b;
      if (out.includes('Try:')) ready();
    };
    dev!.stdout!.on('data', on);
    dev!.stderr!.on('data', on);
    dev!.once('exit', () => fail(new Error(out)));
  });
}, 30_000);
afterAll(() => {
  dev?.kill('SIGKILL');
});

describe('warren enqueue --wait', () => {
  const url = `http://localhost:${PORT}`;
  it('exits 0 and prints the record when the job succeeds', async () => {
    const r = await warren(['enqueue', 'demo.add', '{"a":2,"b":3}', '--url', url, '--wait', '10000']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'succeeded', result: 5 });
  }, 30_000);

  it('exits non-zero when the job it waited for failed (a script must not carry on), still printing it', async () => {
    const r = await warren(['enqueue', 'demo.fail', '{}', '--url', url, '--wait', '15000']);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'failed' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/job \S+ failed: .*demo\.fail always fails/);
  }, 30_000);
});

describe('warren enqueue --delay-ms', () => {
  const url = `http://localhost:${PORT}`;
  it('takes 0 (run now), as the HTTP API and the SDK do', async () => {
    const r = await warren([
      'enqueue',
      'demo.add',
      '{"a":2,"b":3}',
      '--url',
      url,
      '--delay-ms',
      '0',
      '--wait',
      '10000',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'succeeded', result: 5 });
  }, 30_000);

  it('refuses a negative, fractional or empty delay with the reason, sending nothing', async () => {
    const bad = ['-1', '1.5', ''];
    const runs = await Promise.all(
      bad.map((d) => warren(['enqueue', 'demo.add', '{"a":2,"b":3}', '--url', url, '--delay-ms', d])),
    );
    runs.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `--delay-ms <n>' argument '${bad[i]}' is invalid. must be an integer of 0 or more`,
      );
      expect(r.stdout).toBe('');
    });
  }, 30_000);
});
