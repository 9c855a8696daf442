import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { dlqName } from '@warren/amqp';
import amqp from 'amqplib';
import { Redis } from 'ioredis';

const ROOT = resolve(import.meta.dirname, '../../../..');
export const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS = 'redis://127.0.0.1:6379';

/** One test file's queues (fx-dlq.config.ts names them from FX_QUEUE / FX_FULL_QUEUE) and keys. */
export function dlqRun(run: string) {
  return { run, queue: `${run}-work`, full: `${run}-full`, prefix: `${run}:` };
}
export type DlqRun = ReturnType<typeof dlqRun>;

/**
 * The real CLI against the real services with the fixture config naming this run's queues;
 * `redis: false` leaves REDIS_URL out (a drop or list needs no result store).
 */
export function warrenCli(
  r: DlqRun,
  args: string[],
  opts: { redis?: boolean } = {},
): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RABBITMQ_URL: AMQP,
    WARREN_CONFIG: 'packages/cli/src/testing/fx-dlq.config.ts',
    FX_QUEUE: r.queue,
    FX_FULL_QUEUE: r.full,
  };
  delete env.UPSTASH_REDIS_REST_URL;
  delete env.UPSTASH_REDIS_REST_TOKEN;
  if (opts.redis === false) delete env.REDIS_URL;
  else Object.assign(env, { REDIS_URL: REDIS, WARREN_REDIS_PREFIX: r.prefix });
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  return new Promise((done) => child.once('exit', (code) => done({ code, out })));
}

/** Deletes the run's queues, their DLQs and its Redis keys. */
export async function cleanUpDlqRun(r: DlqRun): Promise<void> {
  const admin = await amqp.connect(AMQP);
  const ch = await admin.createChannel();
  for (const q of [r.queue, dlqName(r.queue), r.full, dlqName(r.full)])
    await ch.deleteQueue(q).catch(() => {});
  await admin.close();
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${r.prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
