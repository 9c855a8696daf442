import { defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createWorker } from '../create-worker';

// A task that ignores its signal: its run outlives the timeout until the test lets it go.
const stuck: (() => void)[] = [];
let started = 0;
const hang = defineTask({
  name: 't.hang',
  input: z.unknown(),
  timeoutMs: 30,
  handler: () => {
    started++;
    return new Promise<void>((resolve) => stuck.push(resolve));
  },
});

describe('long-running worker: runaway tasks (timed out, promise never settled)', () => {
  it('keep their slot, show in health() and make it not ok when they fill the worker', async () => {
    const broker = new MemoryBroker();
    const results = new MemoryResultStore(60);
    const w = createWorker({
      config: defineConfig({ tasks: [hang] }),
      consumer: broker,
      results,
      concurrency: 1,
    });
    await w.start();
    const [a, b] = [
      makeJob({ task: 't.hang', input: 1, maxAttempts: 1 }),
      makeJob({ task: 't.hang', input: 2, maxAttempts: 1 }),
    ];
    await broker.publish(a.queue, a);
    await broker.publish(b.queue, b);
    // The timed-out attempt is recorded as today (one attempt: failed)...
    await eventually(async () => (await results.get(a.id))?.state === 'failed');
    await new Promise((r) => setTimeout(r, 100));
    // ...but its run still holds the only slot: b waits, and the worker says it is saturated.
    expect(started).toBe(1);
    expect(w.health()).toMatchObject({ ok: false, runaways: 1, concurrency: 1 });
    stuck.shift()!(); // the runaway finally settles: its slot comes back
    await eventually(() => started === 2);
    await eventually(async () => (await results.get(b.id))?.state === 'failed');
    stuck.shift()!();
    await eventually(() => w.health().runaways === 0);
    expect(w.health().ok).toBe(true);
    await w.stop();
    await broker.close();
  });
});
