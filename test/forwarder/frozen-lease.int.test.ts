import { randomUUID } from 'node:crypto';
import { ForwardLink, type LinkSpec } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, freshQueue, killHard, publishMany, sleep, spawnLink, until } from './support';

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
    await sleep(2000); // the child takes the lease first
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
