import { MemoryResultStore } from '@warren/core';
import { resultStoreContract } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics';
import { timedResultStore } from './timed-result-store';

// A wrapper is a ResultStore like any other: it must pass the whole contract.
resultStoreContract('timed (memory store underneath)', async () =>
  timedResultStore(new MemoryResultStore(), createMetrics()),
);

describe('timedResultStore', () => {
  it('times each call under its op label', async () => {
    const metrics = createMetrics();
    const store = timedResultStore(new MemoryResultStore(), metrics);
    const id = '0192aaaa-bbbb-7ccc-8ddd-000000000001';
    await store.create(id, 'queued', { task: 't', queue: 'q' });
    await store.transition(id, 'running', { owner: 'w', leaseMs: 1000 });
    await store.get(id);
    const text = await metrics.registry.metrics();
    for (const op of ['create', 'transition', 'get']) {
      expect(text).toContain(`warren_result_store_seconds_count{op="${op}"} 1`);
    }
  });

  it("keeps the store's waitFor (so long-polls stay push-based), and adds none to a store without", async () => {
    const waited: string[] = [];
    const inner = Object.assign(new MemoryResultStore(), {
      waitFor: async (id: string) => {
        waited.push(id);
        return undefined;
      },
    });
    const timed = timedResultStore(inner, createMetrics());
    await timed.waitFor?.('0192aaaa-bbbb-7ccc-8ddd-000000000002', 10);
    expect(waited).toEqual(['0192aaaa-bbbb-7ccc-8ddd-000000000002']);
    expect(timedResultStore(new MemoryResultStore(), createMetrics()).waitFor).toBeUndefined();
  });
});
