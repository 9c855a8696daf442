import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createAmqpBroker } from '@warren/amqp';
import { DeferError, defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { captureLines, createLogger, createObservability } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const exporter = new InMemorySpanExporter();
beforeAll(() => {
  const provider = new BasicTracerProvider();
  provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  trace.disable();
  context.disable();
});

// Two ends of a run were taken for copies that never ran: a task's DeferError (`deferred`) and a
// throw whose retry would come due after the job's expiresAt (`expired`). The run's span was left
// open: a deferred run's was ended at the job's next start as NoOutcome (an error, and as long as
// the deferral), an expired run's never (with an SDK, never exported; it held a slot of the
// open-span cap until pushed out).
it('a run that defers itself, or expires after throwing, ends its own span at that outcome', async () => {
  const run = `obs-rend-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  let deferred = 0;
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'span.defer',
        queue: q,
        input: z.unknown(),
        handler: () => {
          if (deferred++ === 0) throw new DeferError('not yet', 300);
          return 7;
        },
      }),
      defineTask({
        name: 'span.expire',
        queue: q,
        input: z.unknown(),
        handler: () => {
          throw new Error('upstream down');
        },
      }),
    ],
    queues: { [q]: { type: 'classic' } },
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const results = createRedisResultStore({ redis, prefix: `${run}:` });
  const { stream } = captureLines();
  const obs = createObservability({ config, logger: createLogger({ stream }) });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    onEvent: obs.executorEvents,
    runScope: obs.runScope,
  });
  const spans = (task: string) => exporter.getFinishedSpans().filter((s) => s.name === `run ${task}`);
  const traceparent = `00-${TRACE}-b7ad6b7169203331-01`;
  try {
    await worker.start();
    const a = makeJob({ task: 'span.defer', queue: q, traceparent });
    await broker.publisher.publish(q, a);
    await eventually(async () => (await results.get(a.id))?.state === 'succeeded' || undefined, 10_000);
    await eventually(() => spans('span.defer').length === 2 || undefined, 2_000).catch(() => {});
    // Two runs, two spans: neither an error (a deferral is no failure), both in the caller's trace.
    expect(spans('span.defer').map((s) => [s.spanContext().traceId, s.status.code])).toEqual([
      [TRACE, 0],
      [TRACE, 0],
    ]);

    const b = makeJob({
      task: 'span.expire',
      queue: q,
      traceparent,
      backoff: { kind: 'fixed', baseMs: 60_000, maxMs: 60_000, jitter: false },
      expiresAt: new Date(Date.now() + 20_000).toISOString(),
    });
    await broker.publisher.publish(q, b);
    await eventually(async () => (await results.get(b.id))?.state === 'expired' || undefined, 10_000);
    await eventually(() => spans('span.expire').length === 1 || undefined, 2_000).catch(() => {});
    expect(spans('span.expire')).toHaveLength(1);
    expect(spans('span.expire')[0]!.status.code).toBe(2); // it threw
  } finally {
    await worker.stop(1000);
    await broker.close();
    await cleanUpRun(q, redis, `${run}:`);
  }
}, 30_000);
