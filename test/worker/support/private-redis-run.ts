import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAmqpBroker } from '@warren/amqp';
import {
  type AnyTask,
  createProducer,
  defineConfig,
  type ExecutionEvent,
  type JobRecord,
} from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { AMQP_URL, cleanUpRun } from '../../ingest/support';
import { type PrivateRedis, startPrivateRedis } from '../../support/private-redis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One job of `task` (maxAttempts 1) through real RabbitMQ (:5672, a classic queue of the run's
 * own) and a long-running worker whose result store is a private redis-server with AOF (an outage
 * loses nothing), which the task may stop and start (`redis()`); resolves to the job's record
 * once terminal (or as last read after 15 s) and the worker's events. Everything is stopped and
 * cleaned up after.
 */
export async function runWithPrivateRedis(
  run: string,
  makeTask: (queue: string, redis: () => PrivateRedis) => AnyTask,
): Promise<{ rec: JobRecord | undefined; events: ExecutionEvent[] }> {
  const queue = `${run}-work`;
  const dir = mkdtempSync(join(tmpdir(), 'warren-outage-'));
  let redis: PrivateRedis | undefined;
  const task = makeTask(queue, () => redis!);
  const config = defineConfig({ queues: { [queue]: { type: 'classic' } }, tasks: [task] });
  try {
    redis = await startPrivateRedis(`${run} store outage`, {
      args: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir],
    });
    const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    const results = createRedisResultStore({ redis: redis.url, prefix: `${run}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const events: ExecutionEvent[] = [];
    const worker = createWorker({
      config,
      consumer: broker.consumer,
      results,
      queues: [queue],
      onEvent: (e) => events.push(e),
    });
    try {
      await worker.start();
      const { response } = await producer.enqueue({ task: task.name, input: {}, maxAttempts: 1 });
      let rec = await results.get(response.id).catch(() => undefined);
      for (let i = 0; i < 150 && !['succeeded', 'failed'].includes(rec?.state ?? ''); i++) {
        await sleep(100);
        rec = await results.get(response.id).catch(() => undefined);
      }
      return { rec, events };
    } finally {
      await worker.stop(2000).catch(() => {});
      await broker.close();
      await results.close();
      await cleanUpRun(queue, undefined, `${run}:`);
    }
  } finally {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
