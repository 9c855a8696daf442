import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { ForwardLink } from './link';

// The shared broker under two names: a forwarder cannot tell they are one broker, as with a
// region's internal and public host names. Regions are then derived from the URLs (ad-hoc links).
const BY_NAME = 'amqp://guest:guest@localhost:5672';
const BY_IP = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = `h58-${randomUUID().slice(0, 8)}`;
const X = `${sfx}-x`;
const Y = `${sfx}-y`;
const queues = [X, Y, `${X}.dlq`, `${Y}.dlq`];
const links: ForwardLink[] = [];

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  const conn = await amqp.connect(BY_IP);
  const ch = await conn.createChannel();
  for (const q of queues) await ch.deleteQueue(q).catch(() => {});
  for (const l of links) await ch.deleteQueue(`warren.forwarder.lease.${l.name}`).catch(() => {});
  await conn.close();
});

describe('hop limit', () => {
  it('a loop the region names do not reveal ends in the DLQ at the hop limit, not round for ever', async () => {
    const conn = await amqp.connect(BY_IP);
    const ch = await conn.createConfirmChannel();
    for (const q of [X, Y])
      await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    // X → Y and Y → X, each source named one way and each destination the other: every hop
    // leaves "localhost:5672" for "127.0.0.1:5672", so no region is ever seen twice.
    for (const [name, from, to] of [
      [`${sfx}-xy`, X, Y],
      [`${sfx}-yx`, Y, X],
    ] as const) {
      const link = new ForwardLink({
        name,
        source: { urls: [BY_NAME], queue: from },
        destination: { kind: 'amqp', urls: [BY_IP], queue: to, channels: 1 },
        backoffBaseMs: 50,
      });
      links.push(link);
      link.start();
    }
    const id = randomUUID();
    const body = { v: 1, id, task: 't', queue: X, attempt: 1, maxAttempts: 1, hops: [] };
    ch.sendToQueue(X, Buffer.from(JSON.stringify(body)), {
      persistent: true,
      messageId: id,
      contentType: 'application/json',
    });
    await ch.waitForConfirms();

    const firstDeadLetter = async (): Promise<amqp.GetMessage | false> => {
      for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
        for (const q of [`${X}.dlq`, `${Y}.dlq`]) {
          await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
          const m = await ch.get(q, { noAck: true });
          if (m) return m;
        }
      }
      return false;
    };
    const dead = await firstDeadLetter();
    const forwarded = links.reduce((n, l) => n + l.status().forwarded, 0);
    await conn.close();
    expect(dead, `still going round after ${forwarded} hops`).not.toBe(false);
    if (!dead) return;
    expect(String(dead.properties.headers?.['x-warren-reason'])).toMatch(/too many hops \(32\)/);
    expect(JSON.parse(dead.content.toString()).hops).toHaveLength(32);
    expect(forwarded).toBe(32);
  }, 40_000);
});
