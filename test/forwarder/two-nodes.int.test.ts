import { ForwardLink, type LinkSpec } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';
import { startTcpProxy } from '../support/tcp-proxy';
import { collect, depth, freshQueue, killHard, publishMany, sleep, spawnLink, until } from './support';

// Two single-node "regions" on this host: A (27001) and B (27002), ports from the forwarder's range.
const harness = new RabbitHarness();
let A: RabbitNode;
let B: RabbitNode;

beforeAll(async () => {
  const nodes = await harness.start([
    { name: 'fwd-a', port: 27001 },
    { name: 'fwd-b', port: 27002 },
  ]);
  A = nodes[0]!;
  B = nodes[1]!;
}, 240_000); // may first wait for another file's node boot (rabbit-boot.ts)

afterAll(async () => {
  await harness.stopAll();
}, 120_000);

const link = (
  name: string,
  queue: string,
  from: RabbitNode,
  to: RabbitNode,
  extra: Partial<LinkSpec> = {},
): LinkSpec => ({
  name,
  source: { urls: [from.url], queue, region: from.name },
  destination: { kind: 'amqp', urls: [to.url], queue, region: to.name },
  ...extra,
});

describe('forwarder between two RabbitMQ nodes', () => {
  // The issue asks for 100k; `npm test` uses 20k to stay fast on 2 shared cores. The full size:
  // FORWARDER_KILL_N=100000 npx vitest run test/forwarder/two-nodes.int.test.ts -t kill
  const N = Number(process.env.FORWARDER_KILL_N ?? 20_000);
  it(`${N / 1000}k messages A → B with kill -9 of the forwarder twice: every id arrives, duplicates ≤ kills × prefetch`, async () => {
    const q = 'kill9';
    const prefetch = 500;
    await freshQueue(A.url, q);
    await freshQueue(B.url, q);
    await publishMany(A.url, q, N, 'k', 1024);
    const spec = link('kill9', q, A, B, { prefetch, backoffMaxMs: 2000 });
    const killedAt: number[] = [];
    let child = spawnLink(spec);
    for (const threshold of [N * 0.2, N * 0.55]) {
      await until(async () => (await depth(B.url, q)) >= threshold, 120_000, `B reaches ${threshold}`);
      await killHard(child);
      killedAt.push(await depth(B.url, q));
      child = spawnLink(spec);
    }
    try {
      const got = await collect(B.url, q, N, 180_000);
      expect(got.ids.size).toBe(N);
      for (let i = 0; i < N; i++) if (!got.ids.has(`k-${i}`)) throw new Error(`k-${i} lost`);
      console.log(
        `kill -9 ×2 at B depth ${killedAt.join(', ')}: ${got.duplicates} duplicates (bound ${2 * prefetch})`,
      );
      expect(got.duplicates).toBeLessThanOrEqual(2 * prefetch);
      await until(async () => (await depth(A.url, q)) === 0, 30_000, 'A empty');
    } finally {
      await killHard(child);
    }
    // Both kills happened while messages were still on their way.
    expect(killedAt.every((d) => d < N)).toBe(true);
  }, 400_000);

  it('destination node stopped mid-run: retries while it is down, resumes by itself, nothing lost', async () => {
    const q = 'outage';
    const N = 6000;
    await freshQueue(A.url, q);
    await freshQueue(B.url, q);
    await publishMany(A.url, q, N, 'o', 512);
    const l = new ForwardLink(link('outage', q, A, B, { prefetch: 200, backoffMaxMs: 3000 }));
    l.start();
    try {
      await until(async () => (await depth(B.url, q)) >= 1000, 60_000, 'B has 1000');
      const restartsBefore = l.status().restarts;
      await B.stop();
      // Down long enough for the lost session and then two reconnects refused (was a fixed 10 s:
      // the backoff, 250 ms doubling, gets there in ~1-2 s; what matters is that it keeps trying).
      await until(
        () => l.status().restarts >= restartsBefore + 3,
        60_000,
        'reconnects refused while B is down',
      );
      expect(l.status().state).not.toBe('running');
      expect(l.status().lastError).toBeTruthy();
      await B.start();
      const got = await collect(B.url, q, N, 120_000);
      expect(got.ids.size).toBe(N);
      expect(l.status().restarts).toBeGreaterThanOrEqual(1);
      await until(() => l.status().state === 'running', 30_000, 'link running again');
    } finally {
      await l.stop(1000);
    }
  }, 300_000);

  it('a loop A → B → A is cut: the message is dead-lettered on B with the reason', async () => {
    const q = 'loopq';
    for (const n of [A, B]) {
      await freshQueue(n.url, q);
      const c = await amqp.connect(n.url);
      await (await c.createChannel()).deleteQueue(`${q}.dlq`);
      await c.close();
    }
    const ab = new ForwardLink(link('loop-ab', q, A, B));
    const ba = new ForwardLink(link('loop-ba', q, B, A));
    ab.start();
    ba.start();
    try {
      await publishMany(A.url, q, 5, 'loop');
      await until(() => ba.status().deadLettered === 5, 30_000, 'loop cut on B');
      const dlq = await collect(B.url, `${q}.dlq`, 5, 10_000);
      expect(dlq.ids.size).toBe(5);
      const m = dlq.messages[0]!;
      expect(String(m.properties.headers?.['x-warren-reason'])).toMatch(
        /loop: message already crossed region fwd-a/,
      );
      expect(JSON.parse(m.content.toString()).hops).toEqual(['fwd-a']);
      await sleep(1000);
      expect(await depth(A.url, q)).toBe(0);
      expect(await depth(B.url, q)).toBe(0);
      expect(ab.status().forwarded).toBe(5);
      expect(ba.status().forwarded).toBe(0);
    } finally {
      await Promise.all([ab.stop(1000), ba.stop(1000)]);
    }
  }, 120_000);

  it('watchdog restarts a link whose destination stops confirming, then it completes', async () => {
    const q = 'stall';
    await freshQueue(A.url, q);
    await freshQueue(B.url, q);
    const proxy = await startTcpProxy(B.port);
    const spec = link('stall', q, A, B, { watchdogMs: 2000, backoffMaxMs: 1000 });
    spec.destination = {
      kind: 'amqp',
      urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`],
      queue: q,
      region: 'fwd-b',
    };
    const l = new ForwardLink(spec);
    l.start();
    try {
      await until(() => l.status().state === 'running', 30_000, 'running');
      proxy.delayMs = 60_000; // B still "up", but nothing comes back: confirms stall
      await publishMany(A.url, q, 300, 's');
      await until(() => (l.status().lastError ?? '').includes('watchdog'), 30_000, 'watchdog fired');
      expect(l.status().restarts).toBeGreaterThanOrEqual(1);
      proxy.delayMs = 0;
      const got = await collect(B.url, q, 300, 60_000);
      expect(got.ids.size).toBe(300);
    } finally {
      await l.stop(1000);
      await proxy.close();
    }
  }, 120_000);
});
