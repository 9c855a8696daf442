import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createExecutor, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { makeJob, recordingDelivery } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureLines } from '../logs/capture-lines';
import { createLogger } from '../logs/create-logger';
import { createObservability } from '../observe';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('a task runs inside its job span (OpenTelemetry SDK registered)', () => {
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

  /** Runs `job` once through an executor with observability's run scope, as the worker does. */
  const runObserved = (task: ReturnType<typeof defineTask>, job: ReturnType<typeof makeJob>) => {
    const obs = createObservability({
      config: defineConfig({ tasks: [task] }),
      logger: createLogger({ stream: captureLines().stream }),
    });
    const ex = createExecutor({
      tasks: new Map([[task.name, task]]),
      results: new MemoryResultStore(),
      workerId: 'w',
      resultTtlS: 60,
      onEvent: obs.executorEvents,
      runScope: obs.runScope,
    });
    return ex.execute(recordingDelivery(job).d);
  };

  it("the task's own spans and its ctx.traceparent are children of the job span", async () => {
    let seen: string | undefined;
    const fetchLike = defineTask({
      name: 'fetch.like',
      input: z.unknown(),
      handler: async (_input, ctx) => {
        seen = ctx.traceparent;
        await new Promise((r) => setTimeout(r, 5)); // across an await, as real work is
        trace.getTracer('app').startSpan('GET /thing').end();
        return 1;
      },
    });
    const job = makeJob({ task: 'fetch.like', traceparent: `00-${TRACE}-${PARENT}-01` });
    expect(await runObserved(fetchLike, job)).toBe('succeeded');

    const spans = exporter.getFinishedSpans();
    const jobSpan = spans.find((s) => s.name === 'run fetch.like')!;
    const inner = spans.find((s) => s.name === 'GET /thing')!;
    expect(jobSpan.spanContext().traceId).toBe(TRACE);
    expect(jobSpan.parentSpanId).toBe(PARENT);
    // Before: the task ran outside the job span, so its span was a root of a trace of its own,
    // and ctx.traceparent was the enqueuer's (a child job would skip the job span).
    expect(inner.spanContext().traceId).toBe(TRACE);
    expect(inner.parentSpanId).toBe(jobSpan.spanContext().spanId);
    expect(seen).toBe(`00-${TRACE}-${jobSpan.spanContext().spanId}-01`);
  });

  it("the producer's tracestate is on the job span (from its parent) and in ctx.tracestate", async () => {
    exporter.reset();
    let seen: string | undefined;
    const t = defineTask({
      name: 'traced.state',
      input: z.unknown(),
      handler: (_input, ctx) => {
        seen = ctx.tracestate;
        return 1;
      },
    });
    const tracestate = 'dd=s:1;o:rum,congo=t61rcWkgMzE';
    const job = makeJob({ task: 'traced.state', traceparent: `00-${TRACE}-${PARENT}-01`, tracestate });
    expect(await runObserved(t, job)).toBe('succeeded');
    const span = exporter.getFinishedSpans().find((s) => s.name === 'run traced.state')!;
    expect(span.spanContext().traceState?.serialize()).toBe(tracestate);
    expect(seen).toBe(tracestate);
  });

  // The run's outcome write failed (result store down), so it reported none; once its lease
  // lapsed a copy of the same attempt took the job over and started again. The first span was
  // replaced in the open set without being ended: with an SDK it was never exported.
  it('a second start of the same attempt ends the first span as having no outcome', () => {
    exporter.reset();
    const obs = createObservability({
      config: defineConfig({ tasks: [] }),
      logger: createLogger({ stream: captureLines().stream }),
    });
    const job = makeJob({ task: 'again', traceparent: `00-${TRACE}-${PARENT}-01` });
    obs.executorEvents({ type: 'started', job, attempt: 1 });
    obs.executorEvents({ type: 'started', job, attempt: 1 });
    obs.executorEvents({ type: 'succeeded', job, attempt: 1, durationMs: 1 });
    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'run again');
    expect(spans).toHaveLength(2);
    expect(spans[0]!.status).toMatchObject({ code: 2, message: expect.stringMatching(/^NoOutcome/) });
    expect(spans[1]!.status.code).not.toBe(2);
  });
});
