import { randomUUID } from 'node:crypto';
import { ForwardLink, type LinkSpec } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { leaseName } from '../../packages/forwarder/src/source-lease';
import { collect, freshQueue, killHard, publishMany, spawnLink, until } from './support';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fwd-frozen-src-${sfx}`;
const dst = `fwd-frozen-dst-${sfx}`;
const cleanup: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [src, dst]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

/**
 * True once another connection holds the link's lease, a connection-exclusive queue (see
 * source-lease.ts): a passive declare of it is then refused with 405 RESOURCE_LOCKED (404 while
 * nobody holds it).
 */
async function leaseHeldElsewhere(link: string): Promise<boolean> {
  const conn = await amqp.connect(URL);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    return await ch.checkQueue(leaseName(link)).then(
      () => false,
      (err: { code?: number }) => err.code === 405,
    );
  } finally {
    await conn.close().catch(() => {});
  }
}

describe('a forwarder frozen while it holds its link lease (SIGSTOP, a Lambda frozen mid-drain, a paused VM)', () => {
  // A frozen process sends no heartbeats; its kernel still answers TCP, so only the broker's
  // heartbeat timeout (~3 heartbeats) ends its connection and with it the lease. A URL may set a
  // long heartbeat (or 0: none, and the lease is never given up).
  it('loses the lease within seconds even when its source URL asks for a 60 s heartbeat: the standby takes over', async () => {
    await freshQueue(URL, src);
    await freshQueue(URL, dst);
    const spec: LinkSpec = {
      name: `fwd-frozen-${sfx}`,
      source: { urls: [`${URL}?heartbeat=60`], queue: src, region: 'A' },
      destination: { kind: 'amqp', urls: [URL], queue: dst, region: 'B' },
      standbyRetryMs: 300,
    };
    const child = spawnLink(spec);
    cleanup.push(() => killHard(child));
    const standby = new ForwardLink(spec);
    cleanup.push(() => standby.stop(500));
    // The child takes the lease first (a fixed 2 s here before: ~1 s too long alone, maybe too
    // short on a loaded box).
    await until(() => leaseHeldElsewhere(spec.name), 15_000, 'the child holding the lease');
    standby.start();
    await until(() => standby.status().state === 'standby', 15_000, 'the standby waiting');
    child.kill('SIGSTOP');
    cleanup.push(async () => child.kill('SIGCONT'));
    const frozenAt = Date.now();
    await until(() => standby.status().state === 'running', 25_000, 'the standby taking over');
    expect(Date.now() - frozenAt).toBeLessThan(20_000);
    await publishMany(URL, src, 100, 'z');
    expect((await collect(URL, dst, 100, 10_000)).ids.size).toBe(100);
  }, 60_000);
});
