import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { cleanUpRun } from '../../ingest/support';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';

/**
 * One test file's run of real CLI worker processes on one queue (`<tag>-<id>.q`), over the shared
 * RabbitMQ and Redis: a broker to publish with, the result store and the task trace list to
 * check, and `start` for a worker process (killed, with the queue and keys deleted, after all).
 */
export function workerProcessRun(tag: string) {
  const RUN = `${tag}-${uuidv7().slice(-8)}`;
  const Q = `${RUN}.q`;
  const TRACE = `${RUN}:trace`;
  const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
  const redis = new Redis(REDIS);
  const procs: WorkerProcess[] = [];
  let broker: AmqpBroker | undefined;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP] });
    await broker.connect();
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await broker?.close();
    await results.close();
    await cleanUpRun(Q, redis, `${RUN}:`);
  });

  return {
    Q,
    TRACE,
    results,
    redis,
    get broker(): AmqpBroker {
      if (!broker) throw new Error('workerProcessRun: the broker connects in beforeAll');
      return broker;
    },
    /** A worker process on Q with these TEST_* settings. */
    start(extra: Record<string, string>): WorkerProcess {
      const p = startWorkerProcess(Q, {
        RABBITMQ_URL: AMQP,
        REDIS_URL: REDIS,
        WARREN_REDIS_PREFIX: `${RUN}:`,
        TEST_TRACE_KEY: TRACE,
        ...extra,
      });
      procs.push(p);
      return p;
    },
  };
}
