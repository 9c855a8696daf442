import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { firstFreePort } from '../support/ports';
import { ensureCelery, runPython } from './python';

/**
 * The real CLI's workers (`warren worker`, `warren dev` with RabbitMQ and Redis) on a
 * `protocol: 'celery'` queue hear a Celery 5.2 client's revoke: a task waiting for its countdown
 * ends REVOKED and is not run.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

const ROOT = resolve(import.meta.dirname, '../..');
const Q = 'h65-cli-celery';
const PREFIX = `h65-cli-${process.pid}:`;
let child: ChildProcess | undefined;

async function stopChild(): Promise<void> {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    child.kill('SIGKILL');
  }
  child = undefined;
}

afterAll(async () => {
  await stopChild();
  const c = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await c.createChannel();
  for (const q of [Q, `${Q}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await c.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}, 30_000);

async function startWorker(command: 'worker' | 'dev'): Promise<() => string> {
  // dev: the ingest on the port, its Upstash REST endpoint on the next one.
  const args = command === 'dev' ? ['dev', '--port', String(await firstFreePort(28700, [0, 1]))] : [command];
  const proc = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      WARREN_CONFIG: resolve(ROOT, 'test/celery/fixtures/cli-celery.config.ts'),
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: 'redis://127.0.0.1:6379',
      WARREN_REDIS_PREFIX: PREFIX,
    },
  });
  child = proc;
  let out = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker not consuming in 45 s:\n${out}`)), 45_000);
    const on = (b: Buffer) => {
      out += b;
      if (/consuming h65-cli-celery|worker on h65-cli-celery/.test(out)) {
        clearTimeout(timer);
        done(() => out);
      }
    };
    proc.stdout?.on('data', on);
    proc.stderr?.on('data', on);
    proc.once('exit', (code) => fail(new Error(`worker exited ${code}:\n${out}`)));
  });
}

describe.skipIf(!!celery.skip)('warren worker and warren dev (CLI) and Celery revoke', () => {
  it.each(['worker', 'dev'] as const)(
    'warren %s: AsyncResult.revoke() of a task waiting for its countdown: REVOKED, not run',
    async (command) => {
      await stopChild();
      const logs = await startWorker(command);
      const out = await runPython(
        `import json, time
import warren_test_tasks
from tasks import app, CELERY_QUEUE
r = app.send_task('demo.add', args=(1, 2), countdown=3, queue=CELERY_QUEUE)
time.sleep(0.5)
r.revoke()
try:
    out = {'err': None, 'result': r.get(timeout=20)}
except Exception as e:
    out = {'err': type(e).__name__}
out['state'] = r.state
print(json.dumps(out))`,
        {
          CELERY_BROKER_URL: 'amqp://guest:guest@127.0.0.1:5672//',
          CELERY_RESULT_BACKEND: 'redis://127.0.0.1:6379/0',
          WARREN_CELERY_QUEUE: Q,
          WARREN_PYTHON_QUEUE: Q,
        },
        30_000,
      );
      expect(JSON.parse(out.trim().split('\n').at(-1) as string), logs()).toEqual({
        err: 'TaskRevokedError',
        state: 'REVOKED',
      });
    },
    60_000,
  );
});
