import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** `warren dev` on the embedded broker and store; resolves with its start-up output (to the Try block). */
function startDev(port: number, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  for (const k of [
    'RABBITMQ_URL',
    'REDIS_URL',
    'UPSTASH_REDIS_REST_URL',
    'UPSTASH_REDIS_REST_TOKEN',
    'WARREN_API_KEYS',
    'WARREN_CONFIG',
  ])
    delete env[k];
  Object.assign(env, extra);
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev', ...args], { cwd: ROOT, env });
  stops.push(() => child.kill('SIGKILL'));
  let out = '';
  return new Promise((ready, fail) => {
    const on = (b: Buffer) => {
      out += b;
      if (/Try:[\s\S]*\/v1\/jobs\/<id>.*\n/.test(out)) ready(out);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', () => fail(new Error(out)));
  });
}

describe('warren dev --no-worker on the embedded broker', () => {
  // Its jobs were taken (202) and never ran, without a word: no other process can consume the
  // in-memory broker, as `warren ingest --embedded` already says of its own.
  it('says that nothing else will run its jobs; warren dev with its worker says nothing of it', async () => {
    const [alone, withWorker] = await Promise.all([startDev(18_861, ['--no-worker']), startDev(18_862, [])]);
    expect(alone).toContain(
      'warren dev --no-worker: the in-memory broker lives in this process only: no other process (warren ingest or worker --embedded) sees its jobs',
    );
    expect(withWorker).not.toContain('this process only');
  }, 120_000);
});

describe('warren dev on the embedded broker, a queue of its tasks that its worker does not consume', () => {
  // The default config's py.mul (queue python, for Python's Celery worker) was taken (202) and
  // stayed queued for ever without a word: nothing else can reach the in-memory broker.
  it('names the queue and its tasks; a config whose queues are all consumed says nothing', async () => {
    const [byDefault, allConsumed] = await Promise.all([
      startDev(18_874, []),
      startDev(18_875, [], { WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-cli.config.ts') }),
    ]);
    expect(byDefault).toMatch(/⚠ no worker here consumes queue python \(py\.mul\): .*never run/);
    expect(allConsumed).not.toContain('no worker here consumes');
  }, 120_000);
});
