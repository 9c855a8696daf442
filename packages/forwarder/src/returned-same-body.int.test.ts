import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { freshQueue, until } from '../../../test/forwarder/support';
import { ForwardLink } from './link';

// On the shared broker (:5672), with unique queue and exchange names.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fx-fwd-rsb-src-${sfx}`;
const dst = `fx-fwd-rsb-dst-${sfx}`;
const exchange = `fx-fwd-rsb-ex-${sfx}`;
const input = `fx-fwd-rsb-in-${sfx}`;
let link: ForwardLink | undefined;

afterAll(async () => {
  await link?.stop(1000);
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [src, dst, `${src}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  for (const e of [exchange, input]) await ch.deleteExchange(e).catch(() => {});
  await conn.close();
});

/** Message ids in a queue (consumed and acked). */
async function idsIn(queue: string): Promise<string[]> {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  const ids: string[] = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (!m) break;
    ids.push(String(m.properties.messageId));
  }
  await conn.close();
  return ids;
}

describe('returned messages with the same body as routed ones', () => {
  // Non-envelope bodies pass raw, so two messages may have equal bytes (an event without an id,
  // routed by its key). RabbitMQ coalesces confirms into one `multiple` ack while publishes stream
  // in, and amqplib runs the callbacks lowest sequence first: a routed message's confirm must not
  // take the return of a later unroutable one with the same body (that one was then acked: lost).
  it('every unroutable message is dead-lettered and every routed one delivered', async () => {
    await freshQueue(URL, src);
    await freshQueue(URL, dst);
    const conn = await amqp.connect(URL);
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(input, 'fanout', { durable: false });
    await ch.bindQueue(src, input, '');
    await ch.assertExchange(exchange, 'direct', { durable: false });
    await ch.bindQueue(dst, exchange, 'ok');
    const n = 1000;
    const body = Buffer.from('cache.invalidate');
    const ok: string[] = [];
    const nope: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `s-${i}`;
      // Alternating in runs of 8: each of the default 8 publish channels gets both keys in turn.
      const key = Math.floor(i / 8) % 2 === 0 ? 'ok' : 'nope';
      (key === 'ok' ? ok : nope).push(id);
      ch.publish(input, key, body, { persistent: true, messageId: id, contentType: 'text/plain' });
    }
    await ch.waitForConfirms();
    await conn.close();
    link = new ForwardLink({
      name: `fx-fwd-rsb-${sfx}`,
      source: { urls: [URL], queue: src, region: 'A' },
      destination: { kind: 'amqp', urls: [URL], exchange, region: 'B' },
      prefetch: 1000,
    });
    link.start();
    await until(() => link!.status().forwarded + link!.status().deadLettered >= n, 30_000, 'all settled');
    await until(() => link!.status().inFlight === 0, 10_000, 'all acked');
    await link.stop(1000);
    const delivered = new Set(await idsIn(dst));
    const dead = new Set(await idsIn(`${src}.dlq`));
    const lost = nope.filter((id) => !dead.has(id));
    const wronglyDead = ok.filter((id) => dead.has(id));
    expect({ lost: lost.length, wronglyDead: wronglyDead.length }).toEqual({ lost: 0, wronglyDead: 0 });
    expect(ok.every((id) => delivered.has(id))).toBe(true);
    expect(link.status().deadLettered).toBe(nope.length);
  }, 60_000);
});
