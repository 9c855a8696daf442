import { afterEach, describe, expect, it, vi } from 'vitest';
import { brokerContract, type FreshQueueSpec, resultStoreContract } from '../testing/index';
import { MemoryBroker } from './memory-broker';
import { MemoryResultStore } from './memory-result-store';

brokerContract('memory', async () => {
  // Read by the broker as config.queues is: a queue's spec applies from its first publish.
  const queues: Record<string, FreshQueueSpec> = {};
  const broker = new MemoryBroker({ queues });
  let n = 0;
  return {
    publisher: broker,
    consumer: broker,
    freshQueue: async (spec) => {
      const q = `q${++n}`;
      if (spec) queues[q] = spec;
      return q;
    },
    publishRaw: async (q, body) => broker.publishRaw(q, body),
    deadLetterReasons: async (q) => broker.deadLetters(q).map((d) => d.reason),
    close: () => broker.close(),
  };
});

resultStoreContract('memory', async () => new MemoryResultStore());

describe('MemoryResultStore expiry', () => {
  afterEach(() => vi.useRealTimers());

  it('drops expired records and idempotency keys on later writes, even if nobody reads them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const store = new MemoryResultStore(60);
    for (let i = 0; i < 100; i++) await store.create(`job-${i}`, 'queued', { task: 't' });
    await store.claimIdempotencyKey('k1', 'job-0', 60);
    expect(store.size).toBe(101);

    vi.setSystemTime(1_000_000 + 61_000);
    await store.create('job-late', 'queued', { task: 't' });
    expect(store.size).toBe(1);
    expect(await store.get('job-late')).toMatchObject({ state: 'queued' });
  });

  it('keeps a record that a later write gave a later expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(2_000_000);
    const store = new MemoryResultStore(60);
    await store.create('a', 'queued', { task: 't' });
    vi.setSystemTime(2_000_000 + 30_000);
    await store.transition('a', 'running', { owner: 'w', leaseMs: 1000 });
    vi.setSystemTime(2_000_000 + 61_000); // past the create's expiry, not the transition's
    await store.create('b', 'queued', { task: 't' });
    expect(await store.get('a')).toMatchObject({ state: 'running' });
    vi.setSystemTime(2_000_000 + 91_000);
    await store.create('c', 'queued', { task: 't' });
    expect(store.size).toBe(2); // a is gone (its transition's expiry passed); b and c stay
    expect(await store.get('a')).toBeUndefined();
  });
});
