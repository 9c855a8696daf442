import type { JobEnvelope } from '@warren/core';
import amqp from 'amqplib';
import type { Redis } from 'ioredis';

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Every message in `queue`, taken off it (as the worker would see them, in order). */
export async function drainQueue(queue: string): Promise<JobEnvelope[]> {
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  const out: JobEnvelope[] = [];
  for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true }))
    out.push(JSON.parse(m.content.toString()) as JobEnvelope);
  await conn.close();
  return out;
}

/** What a test run leaves behind: its queue and that queue's DLQ, and its Redis keys. */
export async function cleanUpRun(queue: string, redis: Redis | undefined, keyPrefix: string): Promise<void> {
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  for (const q of [queue, `${queue}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
  if (!redis) return;
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
