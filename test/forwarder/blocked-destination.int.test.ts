import { randomUUID } from 'node:crypto';
import { ForwardLink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionCount, setMemoryWatermark } from '../support/rabbit-info';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';
import { collect, depth, freshQueue, publishMany, sleep, until } from './support';

// Source: the shared broker (unique queue). Destination: a private node put under a memory alarm
// (its connections that publish get connection.blocked until the alarm clears).
const SHARED = 'amqp://guest:guest@127.0.0.1:5672';
const harness = new RabbitHarness();
let B: RabbitNode;
const q = `h58-blocked-${randomUUID().slice(0, 8)}`;
let link: ForwardLink | undefined;

beforeAll(async () => {
  [B] = (await harness.start([{ name: 'fwd-blk', port: 27066 }])) as [RabbitNode];
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

const forwarderConnections = () => connectionCount(B);

describe('a destination under a memory alarm (connection.blocked)', () => {
  it('is waited out: no watchdog restarts, no connections left behind, every message once after it clears', async () => {
    await freshQueue(SHARED, q);
    await freshQueue(B.url, q);
    await publishMany(SHARED, q, 2000, 'blk', 2000);
    await setMemoryWatermark(B, '{absolute, 1}');
    try {
      link = new ForwardLink({
        name: q,
        source: { urls: [SHARED], queue: q, region: 'A' },
        destination: { kind: 'amqp', urls: [B.url], queue: q, region: 'B' },
        prefetch: 500,
        watchdogMs: 2000,
      });
      link.start();
      const l = link;
      await until(() => /destination blocked/.test(l.status().lastError ?? ''), 20_000, 'blocked seen');
      await sleep(8000); // four watchdog periods
      expect(l.status()).toMatchObject({ restarts: 0, forwarded: 0 });
      expect(l.status().lastError).toMatch(/destination blocked: low on memory/);
      expect(await forwarderConnections()).toBe(1);
    } finally {
      await setMemoryWatermark(B, '{absolute, "1GB"}');
    }
    const l = link;
    await until(() => l.status().forwarded === 2000, 30_000, 'all forwarded after the alarm');
    await until(async () => (await depth(SHARED, q)) === 0, 10_000, 'source drained');
    const got = await collect(B.url, q, 2000, 15_000);
    expect(got.ids.size).toBe(2000);
    expect(got.duplicates).toBe(0);
  }, 90_000);
});
