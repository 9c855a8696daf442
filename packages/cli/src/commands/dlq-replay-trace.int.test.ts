import { type AmqpBroker, createAmqpBroker, dlqName } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { captureLines, createLogger, createObservability } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { afterAll, expect, it } from 'vitest';
import * as z from 'zod';
import { AMQP, cleanUpDlqRun, dlqRun, REDIS, warrenCli } from '../testing/dlq-cli-run';

const R = dlqRun(`obs-dlqt-${uuidv7().slice(-8)}`);
const Q = R.queue;
let broken = true;
const config = defineConfig({
  // As fx-dlq.config.ts declares them (the CLI declares the same queues).
  queues: { [Q]: {}, [R.full]: { type: 'classic', maxLength: 1 } },
  tasks: [
    defineTask({
      name: 'fx.flaky',
      queue: Q,
      input: z.object({ n: z.number() }),
      retry: { maxAttempts: 2, backoff: { kind: 'fixed', baseMs: 200, jitter: false } },
      handler: ({ n }) => {
        if (broken) throw new Error('broken');
        return n;
      },
    }),
  ],
});
let broker: AmqpBroker | undefined;
const results = createRedisResultStore({ redis: REDIS, prefix: R.prefix });
afterAll(async () => {
  await broker?.close();
  await results.close();
  await cleanUpDlqRun(R);
});

// An operator following a dead job's trace (ingest → worker → retry → DLQ) lost it at
// `warren dlq replay`: the replay enqueued the letter with no traceparent, so the replayed job
// ran in no trace at all (its worker lines had no traceId), unlike any job the ingest accepts.
it("a replayed dead letter runs in the dead job's trace", async () => {
  broker = createAmqpBroker({ urls: [AMQP], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const { lines, stream } = captureLines();
  const obs = createObservability({ config, logger: createLogger({ stream, level: 'info' }) });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    queues: [Q],
    onEvent: obs.executorEvents,
    runScope: obs.runScope,
  });
  const producer = createProducer({
    config,
    publishers: new Map([[config.region, broker.publisher]]),
    results,
    onEvent: obs.producerEvents,
  });
  const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  try {
    await worker.start();
    const { response } = await producer.enqueue(
      { task: 'fx.flaky', input: { n: 1 } },
      { traceparent: `00-${traceId}-1111111111111111-01` },
    );
    await eventually(async () => (await results.get(response.id))?.state === 'failed' || undefined, 10_000);
    await eventually(
      async () => (await broker!.checkQueue(dlqName(Q))).messageCount === 1 || undefined,
      5_000,
    );
    broken = false;
    const replay = await warrenCli(R, ['dlq', 'replay', Q, '--all', '--json']);
    expect(replay.code, replay.out).toBe(0);
    const report = JSON.parse(replay.out.slice(replay.out.indexOf('{')));
    const newId: string = report.outcomes[0].newId;
    await eventually(async () => (await results.get(newId))?.state === 'succeeded' || undefined, 10_000);
    await eventually(
      () => lines.some((l) => l.jobId === newId && l.msg === 'job succeeded') || undefined,
      5_000,
    );
    const trail = (id: string) => lines.filter((l) => l.jobId === id).map((l) => [l.msg, l.traceId]);
    expect(trail(response.id)).toEqual([
      ['job enqueued', traceId],
      ['job started', traceId],
      ['job attempt failed; retrying', traceId],
      ['job started', traceId],
      ['job failed', traceId],
    ]);
    expect(trail(newId)).toEqual([
      ['job started', traceId],
      ['job succeeded', traceId],
    ]);
  } finally {
    await worker.stop(2000);
  }
}, 40_000);
