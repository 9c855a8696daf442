import { randomUUID } from 'node:crypto';
import { ForwardLink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionCount, setMemoryWatermark } from '../support/rabbit-info';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';
import { collect, depth, envelope, freshQueue, publishMany, sleep, until } from './support';

// Source: a private node put under a memory alarm. Destination: the shared broker (unique queue).
// A dead-letter copy is a publish on the source broker: under the alarm RabbitMQ blocks the
// connection that made it (it stops reading that socket: no acks, no close either).
const SHARED = 'amqp://guest:guest@127.0.0.1:5672';
const harness = new RabbitHarness();
let A: RabbitNode;
const sfx = randomUUID().slice(0, 8);
const q = `fwd-blksrc-${sfx}`;
const q2 = `fwd-blkstop-${sfx}`;
let link: ForwardLink | undefined;
let link2: ForwardLink | undefined;

beforeAll(async () => {
  [A] = (await harness.start([{ name: 'fwd-blksrc', port: 27071 }])) as [RabbitNode];
}, 240_000);

afterAll(async () => {
  await link?.stop(1000);
  await link2?.stop(1000);
  await harness.stopAll();
  const conn = await amqp.connect(SHARED);
  const ch = await conn.createChannel();
  for (const name of [q, q2]) await ch.deleteQueue(name).catch(() => {});
  await conn.close();
}, 120_000);

/** A looping message first (it already crossed B: dead-lettered), then `n` jobs. */
async function loopThenJobs(queue: string, n: number): Promise<void> {
  await freshQueue(A.url, queue);
  await freshQueue(SHARED, queue);
  const conn = await amqp.connect(A.url);
  const ch = await conn.createConfirmChannel();
  ch.sendToQueue(queue, envelope('loop', 200, { hops: ['B'] }), {
    persistent: true,
    messageId: 'loop',
    contentType: 'application/json',
  });
  await ch.waitForConfirms();
  await conn.close();
  await publishMany(A.url, queue, n, 'bs', 500);
}

const linkOf = (queue: string) =>
  new ForwardLink({
    name: queue,
    source: { urls: [A.url], queue, region: 'A' },
    destination: { kind: 'amqp', urls: [SHARED], queue, region: 'B' },
    prefetch: 500,
    watchdogMs: 1000,
  });

const sourceConnections = () => connectionCount(A);

describe('a source under a memory alarm with a message to dead-letter', () => {
  it('is waited out: no watchdog restart into standby behind its own blocked connection, nothing sent twice', async () => {
    await loopThenJobs(q, 200);
    await setMemoryWatermark(A, '{absolute, 1}');
    try {
      link = linkOf(q);
      link.start();
      const l = link;
      await until(() => /source blocked/.test(l.status().lastError ?? ''), 10_000, 'source blocked seen');
      await sleep(4000); // four watchdog periods
      expect(l.status()).toMatchObject({ restarts: 0, state: 'running' });
      expect(await sourceConnections()).toBe(1);
    } finally {
      await setMemoryWatermark(A, '{absolute, "1GB"}');
    }
    const l = link;
    await until(() => l.status().forwarded === 200 && l.status().deadLettered === 1, 15_000, 'all settled');
    await until(async () => (await depth(A.url, q)) === 0, 10_000, 'source drained');
    expect(await depth(A.url, `${q}.dlq`)).toBe(1);
    const got = await collect(SHARED, q, 200, 5000);
    expect(got.ids.size).toBe(200);
    expect(got.duplicates).toBe(0);
  }, 60_000);

  it('stop() returns within its settle time while the source is blocked (its basic.cancel is never read)', async () => {
    await loopThenJobs(q2, 50);
    await setMemoryWatermark(A, '{absolute, 1}');
    try {
      const l = linkOf(q2);
      l.start();
      await until(() => /source blocked/.test(l.status().lastError ?? ''), 10_000, 'source blocked seen');
      // A hang guard, not a timing: stop(1000) settles for 1 s and closes in ~2 s more at most.
      const how = await Promise.race([l.stop(1000).then(() => 'stopped'), sleep(8000).then(() => 'hung')]);
      expect(how).toBe('stopped');
      expect(l.status().state).toBe('stopped');
    } finally {
      await setMemoryWatermark(A, '{absolute, "1GB"}');
    }
    // Nothing lost: what the stopped link held went back to the source; another link moves it.
    link2 = linkOf(q2);
    const l2 = link2;
    l2.start();
    await until(async () => (await depth(A.url, q2)) === 0 && l2.status().inFlight === 0, 20_000, 'drained');
    const got = await collect(SHARED, q2, 50, 5000);
    expect(got.ids.size).toBe(50);
    expect(await depth(A.url, `${q2}.dlq`)).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
