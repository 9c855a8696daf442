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
import { createObservability } from '../observe';
import { captureLines } from './capture-lines';
import { createLogger } from './create-logger';

/**
 * A run that threw with its retry due past expiresAt ends `expired`: its log line says why and
 * how long it ran, its span's status is the error, and the job-duration histogram has its sample,
 * as a retried run's would. One expired before it started ran nothing: no duration sample.
 */
describe('an expired run, observed', () => {
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

  it('logs the error and duration, sets the span status to the error, samples job duration', async () => {
    const flaky = defineTask({
      name: 'flaky',
      input: z.unknown(),
      handler: () => {
        throw new Error('upstream down');
      },
    });
    const { lines, stream } = captureLines();
    const obs = createObservability({
      config: defineConfig({ tasks: [flaky] }),
      logger: createLogger({ stream }),
    });
    const ex = createExecutor({
      tasks: new Map([['flaky', flaky]]),
      results: new MemoryResultStore(),
      workerId: 'w',
      resultTtlS: 60,
      onEvent: obs.executorEvents,
      runScope: obs.runScope,
    });
    const backoff = { kind: 'fixed', baseMs: 3_600_000, maxMs: 3_600_000, jitter: false } as const;
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const ran = makeJob({ task: 'flaky', maxAttempts: 3, backoff, expiresAt });
    expect(await ex.execute(recordingDelivery(ran).d)).toBe('expired');
    const early = makeJob({ task: 'flaky', expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await ex.execute(recordingDelivery(early).d)).toBe('expired');
    await new Promise((r) => setImmediate(r));

    const expired = lines.filter((l) => l.msg === 'job expired');
    expect(expired).toHaveLength(2);
    expect(expired[0]).toMatchObject({ jobId: ran.id, error: { type: 'Error', message: 'upstream down' } });
    expect(expired[0]!.durationMs).toBeTypeOf('number');
    expect(expired[1]!.jobId).toBe(early.id);
    expect(expired[1]!.durationMs).toBeUndefined();
    expect(expired[1]!.error).toBeUndefined();

    const span = exporter.getFinishedSpans().find((s) => s.name === 'run flaky')!;
    expect(span.status.message).toBe('Error: upstream down');

    const hist = await obs.registry.getSingleMetric('warren_job_duration_seconds')!.get();
    // prom-client names each of a histogram's values (buckets, sum, count) on the value itself.
    const count = hist.values.find(
      (v) => (v as { metricName?: string }).metricName === 'warren_job_duration_seconds_count',
    );
    expect(count?.value).toBe(1);
    expect(obs.rates.snapshot(ran.queue).meanDurationMs).toBeDefined(); // the scaling advice's run time
  });
});
