import { defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createWorker } from '../create-worker';

let running = 0;
let maxRunning = 0;
const nap = defineTask({
  name: 't.nap',
  input: z.object({ ms: z.number() }),
  handler: async ({ ms }, ctx) => {
    maxRunning = Math.max(maxRunning, ++running);
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(ctx.signal.reason);
        });
      });
    } finally {
      running--;
    }
    return ms;
  },
});

describe('long-running worker (in-memory broker)', () => {
  it('bounds jobs in flight by `concurrency` across all the queues it consumes', async () => {
    const broker = new MemoryBroker();
    const results = new MemoryResultStore(60);
    const w = createWorker({
      config: defineConfig({ tasks: [nap] }),
      consumer: broker,
      results,
      queues: ['qa', 'qb'],
      concurrency: 3,
    });
    await w.start();
    const jobs = Array.from({ length: 12 }, (_, i) =>
      makeJob({ task: 't.nap', queue: i % 2 ? 'qa' : 'qb', input: { ms: 20 } }),
    );
    for (const j of jobs) await broker.publish(j.queue, j);
    await eventually(async () =>
      (await Promise.all(jobs.map((j) => results.get(j.id)))).every((r) => r?.state === 'succeeded'),
    );
    expect(maxRunning).toBeLessThanOrEqual(3);
    expect(maxRunning).toBeGreaterThan(1);
    await w.stop();
    await broker.close();
  });

  it('stop() past its timeout aborts running jobs: recorded retrying and handed back, not failed', async () => {
    const broker = new MemoryBroker();
    const results = new MemoryResultStore(60);
    const w = createWorker({
      config: defineConfig({ tasks: [nap] }),
      consumer: broker,
      results,
      queues: ['qs'],
    });
    await w.start();
    const job = makeJob({ task: 't.nap', queue: 'qs', input: { ms: 60_000 } });
    await broker.publish('qs', job);
    await eventually(async () => (await results.get(job.id))?.state === 'running');
    await w.stop(50);
    expect((await results.get(job.id))?.state).toBe('retrying');
    await eventually(() => broker.depth('qs') === 1); // released, queued for the next worker
    expect(w.inFlight).toBe(0);
    await broker.close();
  });
});
