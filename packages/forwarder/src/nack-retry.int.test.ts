import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, depth, freshQueue, publishMany, until } from '../../../test/forwarder/support';
import { ForwardLink } from './link';

// On the shared broker (:5672), with unique queue names. The full destination is a classic queue:
// a quorum queue's max-length is applied a little late (20 of 5 were taken here).
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fx-fwd-nack-src-${sfx}`;
const dst = `fx-fwd-nack-dst-${sfx}`;
let link: ForwardLink | undefined;

afterAll(async () => {
  await link?.stop(1000);
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [src, dst, `${src}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('a destination that nacks (a full queue with reject-publish)', () => {
  it('keeps the nacked messages at the source, retries them, and delivers each once room is made', async () => {
    await freshQueue(URL, src);
    const conn = await amqp.connect(URL);
    const ch = await conn.createChannel();
    await ch.deleteQueue(dst).catch(() => {});
    await ch.assertQueue(dst, {
      durable: true,
      arguments: { 'x-queue-type': 'classic', 'x-max-length': 5, 'x-overflow': 'reject-publish' },
    });
    await conn.close();
    const n = 40;
    await publishMany(URL, src, n, 'nk');
    link = new ForwardLink({
      name: `fx-fwd-nack-${sfx}`,
      source: { urls: [URL], queue: src, region: 'A' },
      destination: { kind: 'amqp', urls: [URL], queue: dst, region: 'B' },
      prefetch: 20,
    });
    link.start();
    await until(async () => (await depth(URL, dst)) === 5, 10_000, 'destination full');
    await until(() => /nacked/.test(link!.status().lastError ?? ''), 10_000, 'a nack seen');
    expect(link.status().forwarded).toBe(5);
    // Room made: the rest arrive as the consumer takes them.
    const got = await collect(URL, dst, n, 30_000);
    expect(got.ids.size).toBe(n);
    await until(async () => (await depth(URL, src)) === 0 && link!.status().inFlight === 0, 10_000, 'acked');
    expect(link.status().deadLettered).toBe(0);
  }, 60_000);
});
