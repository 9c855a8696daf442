import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import {
  createProducer,
  type ExecutionEvent,
  type JobRecord,
  type Producer,
  type ResultStore,
  type WarrenConfig,
} from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker, type Worker } from '@warren/worker';
import { Redis } from 'ioredis';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the core int tests run against: real RabbitMQ (:5672) and Redis (:6379), one queue. */
export interface CoreStack {
  broker: AmqpBroker;
  redis: Redis;
  results: ResultStore;
  worker: Worker;
  producer: Producer;
  /** The record once succeeded or failed (polls 10 s), else as it is then. */
  finished(id: string): Promise<JobRecord | undefined>;
  close(): Promise<void>;
}

/** A broker, a Redis result store under `<run>:`, a producer and a started worker on `queue`. */
export async function startCoreStack(
  config: WarrenConfig,
  opts: { run: string; queue: string; concurrency?: number; events?: ExecutionEvent[] },
): Promise<CoreStack> {
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const results = createRedisResultStore({ redis, prefix: `${opts.run}:` });
  const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    queues: [opts.queue],
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    onEvent: (e) => opts.events?.push(e),
  });
  await worker.start();
  return {
    broker,
    redis,
    results,
    worker,
    producer,
    async finished(id) {
      for (let i = 0; i < 100; i++) {
        const rec = await results.get(id);
        if (rec && ['succeeded', 'failed'].includes(rec.state)) return rec;
        await sleep(100);
      }
      return results.get(id);
    },
    async close() {
      await worker.stop(2000).catch(() => {});
      await broker.close();
      await cleanUpRun(opts.queue, redis, `${opts.run}:`);
    },
  };
}
