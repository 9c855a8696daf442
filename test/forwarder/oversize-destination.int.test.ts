import { randomUUID } from 'node:crypto';
import { ForwardLink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';
import { collect, envelope, freshQueue, until } from './support';

// Source: the shared broker (unique queue). Destination: a private node whose max_message_size
// (1 MiB) is below the source's (RabbitMQ's default, 128 MiB): two regions configured apart.
const SHARED = 'amqp://guest:guest@127.0.0.1:5672';
const LIMIT = 1_048_576;
const harness = new RabbitHarness();
let B: RabbitNode;
const q = `h58-oversize-${randomUUID().slice(0, 8)}`;
let link: ForwardLink | undefined;

beforeAll(async () => {
  [B] = (await harness.start([{ name: 'fwd-max', port: 27061 }])) as [RabbitNode];
  // Read by each new channel: the destination refuses a larger publish by closing its channel.
  await B.erl(`application:set_env(rabbit, max_message_size, ${LIMIT})`);
}, 240_000);

afterAll(async () => {
  await link?.stop(1000);
  await harness.stopAll();
  const conn = await amqp.connect(SHARED);
  const ch = await conn.createChannel();
  for (const name of [q, `${q}.dlq`, `warren.forwarder.lease.${q}`])
    await ch.deleteQueue(name).catch(() => {});
  await conn.close();
}, 120_000);

describe('a message larger than the destination takes', () => {
  it('is dead-lettered at the source with the reason; the link keeps moving', async () => {
    await freshQueue(SHARED, q);
    await freshQueue(B.url, q);
    const conn = await amqp.connect(SHARED);
    const ch = await conn.createConfirmChannel();
    const ids = ['s0', 's1', 's2', 'big', 's3', 's4', 's5'];
    for (const id of ids) {
      ch.sendToQueue(q, envelope(id, id === 'big' ? 2 * LIMIT : 300), {
        persistent: true,
        messageId: id,
        contentType: 'application/json',
      });
    }
    await ch.waitForConfirms();
    await conn.close();

    link = new ForwardLink({
      name: q,
      source: { urls: [SHARED], queue: q, region: 'A' },
      destination: { kind: 'amqp', urls: [B.url], queue: q, region: 'B' },
      backoffBaseMs: 100,
      backoffMaxMs: 500,
    });
    link.start();
    const l = link;
    await until(
      () => l.status().deadLettered === 1,
      20_000,
      `big dead-lettered (${JSON.stringify(l.status())})`,
    );
    const arrived = await collect(B.url, q, 6, 10_000);
    expect([...arrived.ids].sort()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    const dlq = await collect(SHARED, `${q}.dlq`, 1, 5000);
    const dead = dlq.messages[0]!;
    expect(dead.properties.messageId).toBe('big');
    expect(dead.content.length).toBeGreaterThan(2 * LIMIT - 1000);
    expect(String(dead.properties.headers?.['x-warren-reason'])).toMatch(/larger than the destination takes/);
    expect(l.status()).toMatchObject({ state: 'running', forwarded: 6 });
    // One session ends on the refusal (RabbitMQ closes the channel); the next knows the limit.
    expect(l.status().restarts).toBeLessThanOrEqual(2);
  }, 60_000);
});
