import { createExecutor, defineConfig, defineTask, MemoryResultStore, NonRetriableError } from '@warren/core';
import { makeJob, recordingDelivery } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureLines } from '../logs/capture-lines';
import { createLogger } from '../logs/create-logger';
import { createObservability } from '../observe';

const value = async (obs: ReturnType<typeof createObservability>, name: string) =>
  (await obs.registry.getSingleMetric(name)?.get())?.values.reduce((n, v) => n + v.value, 0) ?? 0;

describe('executor metrics', () => {
  it('count a failed job once when its dead-letter copy comes back (dead-lettered twice)', async () => {
    const broken = defineTask({
      name: 'broken',
      input: z.unknown(),
      handler: () => {
        throw new NonRetriableError('bad');
      },
    });
    const obs = createObservability({
      config: defineConfig({ tasks: [broken] }),
      logger: createLogger({ stream: captureLines().stream }),
    });
    const ex = createExecutor({
      tasks: new Map([['broken', broken]]),
      results: new MemoryResultStore(),
      workerId: 'w',
      resultTtlS: 60,
      onEvent: obs.executorEvents,
    });
    for (const task of ['broken', 'gone']) {
      const job = makeJob({ task });
      // The second delivery is the job's DLQ copy coming back (its dead-lettering not confirmed).
      expect(await ex.execute(recordingDelivery(job).d)).toBe('failed');
      expect(await ex.execute(recordingDelivery(job).d)).toBe('failed');
    }
    expect(await value(obs, 'warren_jobs_failed_total')).toBe(2);
    expect(await value(obs, 'warren_jobs_dead_lettered_total')).toBe(4);
    expect(obs.failures.list()).toHaveLength(2);
  });

  it('count expired, deferred and released deliveries, each in its own counter', async () => {
    const obs = createObservability({
      config: defineConfig({ tasks: [] }),
      logger: createLogger({ stream: captureLines().stream }),
    });
    const job = makeJob({ queue: 'default' });
    for (const type of ['expired', 'deferred', 'released'] as const)
      obs.executorEvents({ type, job, attempt: 1 });
    for (const name of ['expired', 'deferred', 'released'])
      expect(await value(obs, `warren_jobs_${name}_total`)).toBe(1);
  });
});
