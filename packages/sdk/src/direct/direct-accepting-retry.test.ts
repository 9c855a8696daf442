import { defineConfig, defineTask, MemoryBroker, MemoryResultStore, type Publisher } from '@warren/core';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createDirectClient } from './direct-client';

/**
 * Two enqueues under one key while the first's publish is slow (a broker under flow control, its
 * confirm 3.5 s away): the second is answered 409 "still being accepted" (Retry-After 1 s) until
 * that publish ends. Within its 30 s deadline it must go on and answer that job, as the HTTP
 * client does, not fail with the 409 after its 4 attempts (about 3 s).
 */
const add = defineTask({ name: 'demo.add', input: z.object({ a: z.number() }), handler: ({ a }) => a });
const config = defineConfig({ queues: { default: {} }, tasks: [add] });
let broker: MemoryBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

it('a second enqueue under a key still being accepted answers its job, not the 409', async () => {
  const mem = new MemoryBroker();
  broker = mem;
  const slow: Publisher = {
    publish: async (queue, job, opts) => {
      await new Promise((r) => setTimeout(r, 3_500));
      await mem.publish(queue, job, opts);
    },
    close: () => mem.close(),
  };
  const client = createDirectClient({
    config,
    publishers: new Map([[config.region, slow]]),
    results: new MemoryResultStore(),
  });
  const first = client.enqueue(add, { a: 1 }, { idempotencyKey: 'k-slow' });
  await new Promise((r) => setTimeout(r, 100)); // the first has claimed the key by now
  const second = await client.enqueue(add, { a: 1 }, { idempotencyKey: 'k-slow' });
  const job = await first;
  expect(second).toMatchObject({ id: job.id, replayed: true });
  expect(mem.depth('default')).toBe(1);
}, 20_000);
