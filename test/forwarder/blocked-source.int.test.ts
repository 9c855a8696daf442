import { randomUUID } from 'node:crypto';
import { ForwardLink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';
import { collect, depth, envelope, freshQueue, publishMany, sleep, until } from './support';

// Source: a private node put under a memory alarm. Destination: the shared broker (unique queue).
// A dead-letter copy is a publish on the source broker: under the alarm RabbitMQ blocks the
// connection that made it (it stops reading that socket: no acks, no close either).
const SHARED = 'amqp://guest:guest@127.0.0.1:5672';
const harness = new RabbitHarness();
let A: RabbitNode;
const q = `fwd-blksrc-${randomUUID().slice(0, 8)}`;
let link: ForwardLink | undefined;

beforeAll(async () => {
  [A] = (await harness.start([{ name: 'fwd-blksrc', port: 27071 }])) as [RabbitNode];
}, 240_000);

afterAll(async () => {
  await link?.stop(1000);
  await harness.stopAll();
  const conn = await amqp.connect(SHARED);
  const ch = await conn.createChannel();
  await ch.deleteQueue(q).catch(() => {});
  await conn.close();
}, 120_000);

const sourceConnections = async () =>
  (await A.ctl('list_connections', 'peer_host', '--silent')).split('\n').filter((l) => l.trim()).length;

describe('a source under a memory alarm with a message to dead-letter', () => {
  it('is waited out: no watchdog restart into standby behind its own blocked connection, nothing sent twice', async () => {
    await freshQueue(A.url, q);
    await freshQueue(SHARED, q);
    // A looping message first (it already crossed B: dead-lettered), then 200 jobs.
    const conn = await amqp.connect(A.url);
    const ch = await conn.createConfirmChannel();
    ch.sendToQueue(q, envelope('loop', 200, { hops: ['B'] }), {
      persistent: true,
      messageId: 'loop',
      contentType: 'application/json',
    });
    await ch.waitForConfirms();
    await conn.close();
    await publishMany(A.url, q, 200, 'bs', 500);
    await A.ctl('set_vm_memory_high_watermark', 'absolute', '1');
    try {
      link = new ForwardLink({
        name: q,
        source: { urls: [A.url], queue: q, region: 'A' },
        destination: { kind: 'amqp', urls: [SHARED], queue: q, region: 'B' },
        prefetch: 500,
        watchdogMs: 1000,
      });
      link.start();
      const l = link;
      await until(() => /source blocked/.test(l.status().lastError ?? ''), 10_000, 'source blocked seen');
      await sleep(4000); // four watchdog periods
      expect(l.status()).toMatchObject({ restarts: 0, state: 'running' });
      expect(await sourceConnections()).toBe(1);
    } finally {
      await A.ctl('set_vm_memory_high_watermark', 'absolute', '1GB');
    }
    const l = link;
    await until(() => l.status().forwarded === 200 && l.status().deadLettered === 1, 15_000, 'all settled');
    await until(async () => (await depth(A.url, q)) === 0, 10_000, 'source drained');
    expect(await depth(A.url, `${q}.dlq`)).toBe(1);
    const got = await collect(SHARED, q, 200, 5000);
    expect(got.ids.size).toBe(200);
    expect(got.duplicates).toBe(0);
  }, 60_000);
});
