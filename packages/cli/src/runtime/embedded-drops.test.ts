import { MemoryBroker } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { expect, it } from 'vitest';
import { embeddedDrops } from './embedded-drops';

it('names the queued and delayed jobs an in-memory broker drops on stop; nothing for an empty one or another consumer', async () => {
  const broker = new MemoryBroker();
  expect(embeddedDrops(broker)).toBeUndefined();
  await broker.publish('a', makeJob({ queue: 'a' }));
  await broker.publish('b', makeJob({ queue: 'b' }));
  await broker.publish('a', makeJob({ queue: 'a' }), { delayMs: 60_000 });
  expect(embeddedDrops(broker)).toBe(
    'in-memory broker: 2 queued and 1 delayed job(s) dropped (it keeps nothing across restarts; with RABBITMQ_URL and REDIS_URL they wait for the next start)',
  );
  expect(
    embeddedDrops({ consume: async () => ({ close: async () => {} }), close: async () => {} }),
  ).toBeUndefined();
  await broker.close();
});
