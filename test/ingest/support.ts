import { createAmqpBroker } from '@warren/amqp';
import {
  createProducer,
  type JobEnvelope,
  type Producer,
  type Publisher,
  type ResultStore,
  type WarrenConfig,
} from '@warren/core';
import { createIngestApp, type IngestDeps, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { takeOwnDelayed } from '../support/parked-queue';
import { freePort } from '../support/ports';

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
  // Its delayed jobs still in the shared tiers (see takeOwnDelayed).
  await takeOwnDelayed(conn, (q) => q === queue);
  await conn.close();
  if (!redis) return;
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

/** The Node ingest on a free port over real RabbitMQ and Redis (records under `<run>:`), as the ingest int tests run it. */
export async function startNodeIngest(
  config: WarrenConfig,
  run: string,
  queue: string,
  extra: Pick<IngestDeps, 'extend'> = {},
): Promise<{
  url: string;
  redis: Redis;
  /** The ingest's own parts, for a Lambda ingest or a direct client over the same broker and store. */
  producer: Producer;
  publishers: Map<string, Publisher>;
  results: ResultStore;
  close(): Promise<void>;
}> {
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const results = createRedisResultStore({ redis, prefix: `${run}:` });
  const publishers = new Map<string, Publisher>([['local', broker.publisher]]);
  const producer = createProducer({ config, publishers, results });
  const port = await freePort();
  const server = await serveNode(createIngestApp({ config, producer, results, ...extra }), port, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    redis,
    producer,
    publishers,
    results,
    async close() {
      server.close();
      await broker.close();
      await cleanUpRun(queue, redis, `${run}:`);
    },
  };
}
