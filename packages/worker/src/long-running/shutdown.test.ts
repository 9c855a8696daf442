import { defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createWorker } from '../create-worker';

const started: string[] = [];
const nap = defineTask({
  name: 't.nap',
  input: z.object({ ms: z.number() }),
  handler: async ({ ms }, ctx) => {
    started.push(ctx.jobId);
    await sleep(ms);
    return ms;
  },
});

const setup = (queues: string[], concurrency = 1) => {
  const broker = new MemoryBroker();
  const results = new MemoryResultStore(60);
  const worker = createWorker({
    config: defineConfig({ tasks: [nap] }),
    consumer: broker,
    results,
    queues,
    concurrency,
  });
  return { broker, results, worker };
};

describe('long-running worker shutdown (in-memory broker)', () => {
  it('hands back at once, unrun, a delivery still waiting for a slot when stop() begins', async () => {
    const { broker, results, worker } = setup(['qa', 'qb']);
    await worker.start();
    const running = makeJob({ task: 't.nap', queue: 'qa', input: { ms: 150 } });
    const waiting = makeJob({ task: 't.nap', queue: 'qb', input: { ms: 10 } });
    await broker.publish('qa', running);
    await eventually(() => started.includes(running.id));
    await broker.publish('qb', waiting); // delivered (qb's prefetch) but the process holds 1 at a time
    await sleep(20);
    await worker.stop(5000);
    expect((await results.get(running.id))?.state).toBe('succeeded');
    expect(started).not.toContain(waiting.id);
    expect(await results.get(waiting.id)).toBeUndefined();
    await eventually(() => broker.depth('qb') === 1);
    expect(worker.inFlight).toBe(0);
    await broker.close();
  });

  it('a stop() that comes while start() is subscribing leaves no queue consumed', async () => {
    const { broker, worker } = setup(['qc', 'qd'], 4);
    const starting = worker.start();
    await worker.stop(100);
    await starting.catch(() => {});
    const late = makeJob({ task: 't.nap', queue: 'qc', input: { ms: 1 } });
    await broker.publish('qc', late);
    await broker.publish('qd', makeJob({ task: 't.nap', queue: 'qd', input: { ms: 1 } }));
    await sleep(50);
    expect(started).not.toContain(late.id);
    expect(broker.depth('qc') + broker.depth('qd')).toBe(2);
    await broker.close();
  });
});
