import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createAmqpBroker, tierName } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { captureLines, createLogger, createObservability } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
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

// The same job published twice (an enqueue retried after a lost confirm) has its second copy
// deferred behind the first one's lease. The copy carries the same job id and attempt, so its
// `deferred` event ended and dropped the running attempt's span: the job span was cut short
// (its duration the time to the copy's arrival) and the run's real outcome ended nothing.
it("a copy deferred behind a running attempt leaves that attempt's span open until its outcome", async () => {
  const run = `obs-span-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const config = defineConfig({
    tasks: [
      defineTask({ name: 'span.slow', queue: q, input: z.unknown(), handler: () => gate.then(() => 7) }),
    ],
    queues: { [q]: { type: 'classic' } },
  });
  // The deferred copy waits in a delay tier of this test's own, deleted after it: on a shared tier
  // it would outlive the test's queue and stay for good (at-least-once dead-lettering retries it).
  const tierMs = 200_000 + Math.floor(Math.random() * 100_000);
  const broker = createAmqpBroker({
    urls: [AMQP_URL],
    queues: config.queues,
    healthIntervalMs: 0,
    delayTiersMs: [tierMs],
  });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const results = createRedisResultStore({ redis, prefix: `${run}:` });
  const { lines, stream } = captureLines();
  const obs = createObservability({ config, logger: createLogger({ stream }) });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    onEvent: obs.executorEvents,
    runScope: obs.runScope,
  });
  const jobSpans = () => exporter.getFinishedSpans().filter((s) => s.name === 'run span.slow');
  try {
    await worker.start();
    const job = makeJob({ task: 'span.slow', queue: q, traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
    await broker.publisher.publish(q, job);
    await eventually(async () => (await results.get(job.id))?.state === 'running');
    await broker.publisher.publish(q, job);
    await eventually(() => lines.some((l) => l.msg === 'job deferred'));
    expect(jobSpans()).toHaveLength(0); // the first attempt still runs
    open();
    await eventually(async () => (await results.get(job.id))?.state === 'succeeded');
    await eventually(() => jobSpans().length === 1);
    const [span] = jobSpans();
    expect(span!.spanContext().traceId).toBe(TRACE);
    expect(span!.status.code).not.toBe(2);
  } finally {
    open();
    await worker.stop(1000);
    await broker.close();
    await cleanUpRun(q, redis, `${run}:`);
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    await ch.deleteQueue(tierName(tierMs));
    await ch.deleteExchange(tierName(tierMs));
    await conn.close();
  }
}, 30_000);
