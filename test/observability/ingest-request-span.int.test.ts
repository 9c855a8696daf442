import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createIngestApp, serveNode } from '@warren/ingest';
import { captureLines, createLogger, createObservability } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';
import { freePort } from '../support/ports';

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  const provider = new BasicTracerProvider();
  provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

// An ingest whose requests are traced (OpenTelemetry HTTP instrumentation, @hono/otel, an ADOT
// Lambda layer: a SERVER span per request, continuing the caller's header) must give its jobs
// that span as parent. The job took the raw header instead: a request without one had its span
// in one trace and its job (a fresh traceparent) in another; with one, the run hung off the
// caller's span beside the request's, not under it.
it('a job continues the ingest request span when the ingest is traced', async () => {
  const run = `obs-rspan-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  const config = defineConfig({
    tasks: [defineTask({ name: 'rspan.ok', queue: q, input: z.unknown(), handler: () => 1 })],
    queues: { [q]: { type: 'classic' } },
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const results = createRedisResultStore({ redis, prefix: `${run}:` });
  const { lines, stream } = captureLines();
  const obs = createObservability({ config, logger: createLogger({ stream }) });
  const producer = createProducer({
    config,
    publishers: new Map([[config.region, broker.publisher]]),
    results,
    onEvent: obs.producerEvents,
  });
  const tracer = trace.getTracer('http-instrumentation');
  const app = createIngestApp({
    config,
    producer,
    results,
    traceparent: obs.traceparent,
    // What HTTP instrumentation does: a SERVER span per request, child of the caller's header.
    extend: (a) =>
      a.use('*', async (c, next) => {
        const parent = propagation.extract(context.active(), c.req.header());
        const span = tracer.startSpan(`${c.req.method} ${c.req.path}`, { kind: SpanKind.SERVER }, parent);
        await context.with(trace.setSpan(parent, span), next);
        span.end();
      }),
  });
  const port = await freePort();
  const server = await serveNode(app, port, '127.0.0.1');
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results,
    onEvent: obs.executorEvents,
    runScope: obs.runScope,
  });
  const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  try {
    await worker.start();
    const ids: string[] = [];
    for (const tp of [undefined, CALLER]) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(tp ? { traceparent: tp } : {}) },
        body: JSON.stringify({ task: 'rspan.ok', input: {} }),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    await eventually(() => exporter.getFinishedSpans().filter((s) => s.name === 'run rspan.ok').length === 2);
    const spans = exporter.getFinishedSpans();
    const requests = spans.filter((s) => s.name === 'POST /v1/jobs');
    expect(requests).toHaveLength(2);
    for (const [i, id] of ids.entries()) {
      const req = requests[i]!.spanContext();
      const runSpan = spans.find((s) => s.attributes['messaging.message.id'] === id)!;
      expect(runSpan.spanContext().traceId).toBe(req.traceId);
      expect(runSpan.parentSpanId).toBe(req.spanId);
      const enqueued = lines.find((l) => l.jobId === id && l.msg === 'job enqueued');
      expect(enqueued?.traceId).toBe(req.traceId);
    }
    expect(requests[1]!.spanContext().traceId).toBe(CALLER.slice(3, 35));
  } finally {
    server.close();
    await worker.stop(1000);
    await broker.close();
    await cleanUpRun(q, redis, `${run}:`);
  }
}, 20_000);
