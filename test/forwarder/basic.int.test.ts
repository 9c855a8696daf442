import { randomUUID } from 'node:crypto';
import { FORWARDED_HEADER, ForwardLink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, depth, envelope, freshQueue, publishMany, until } from './support';

// On the shared broker (:5672), with unique queue names: source and destination are two queues.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const links: ForwardLink[] = [];

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of ['src', 'dst', 'src.dlq', 'lease'].map((n) => `fwd-${n}-${sfx}`))
    await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('forward link on one broker', () => {
  it('forwards every message with its properties, appends provenance, acks the source', async () => {
    const src = `fwd-src-${sfx}`;
    const dst = `fwd-dst-${sfx}`;
    await freshQueue(URL, src);
    await freshQueue(URL, dst);
    await publishMany(URL, src, 3000, 'b');
    const conn = await amqp.connect(URL);
    const ch = await conn.createConfirmChannel();
    ch.sendToQueue(src, envelope('with-props'), {
      persistent: true,
      messageId: 'with-props',
      type: 't.x',
      priority: 4,
      expiration: '600000',
      timestamp: Math.floor(Date.now() / 1000),
      contentType: 'application/json',
      headers: { custom: 'kept' },
    });
    await ch.waitForConfirms();
    await conn.close();

    const link = new ForwardLink({
      name: 'basic',
      source: { urls: [URL], queue: src, region: 'A' },
      destination: { kind: 'amqp', urls: ['amqp://guest:guest@127.0.0.1:5672'], queue: dst, region: 'B' },
      prefetch: 500,
    });
    links.push(link);
    link.start();
    const got = await collect(URL, dst, 3001, 60_000);
    expect(got.ids.size).toBe(3001);
    await until(
      async () => (await depth(URL, src)) === 0 && link.status().inFlight === 0,
      20_000,
      'source drained',
    );
    const st = link.status();
    expect(st.state).toBe('running');
    expect(st.forwarded).toBe(3001);
    expect(st.route).not.toContain('guest');

    const conn2 = await amqp.connect(URL);
    const ch2 = await conn2.createChannel();
    await link.stop(1000);
    // Re-publish the one with properties through a fresh link to inspect it alone.
    const probe = await collectOne(ch2, src, dst, 'with-props2');
    expect(probe.properties).toMatchObject({ messageId: 'with-props2', type: 't.x', priority: 4 });
    expect(Number(probe.properties.expiration)).toBeLessThanOrEqual(600_000);
    expect(probe.properties.headers?.custom).toBe('kept');
    const fwd = probe.properties.headers?.[FORWARDED_HEADER] as string[];
    expect(fwd).toHaveLength(1);
    expect(fwd[0]).toMatch(/^link=basic2;from=A;to=B;at=\d+$/);
    expect(JSON.parse(probe.content.toString()).hops).toEqual(['A']);
    await conn2.close();
  });

  it('destination channels: 1 keeps the source order; out-of-range counts are refused up front', async () => {
    const src = `fwd-src-${sfx}`;
    const dst = `fwd-dst-${sfx}`;
    await freshQueue(URL, src);
    await freshQueue(URL, dst);
    const n = 2000;
    await publishMany(URL, src, n, 'o');
    const dest = { kind: 'amqp' as const, urls: [URL], queue: dst, region: 'B' };
    for (const channels of [0, 1.5, 65]) {
      expect(
        () =>
          new ForwardLink({
            name: 'ordered',
            source: { urls: [URL], queue: src },
            destination: { ...dest, channels },
          }),
      ).toThrow(/channels must be an integer from 1 to 64/);
    }
    const link = new ForwardLink({
      name: 'ordered',
      source: { urls: [URL], queue: src, region: 'A' },
      destination: { ...dest, channels: 1 },
      prefetch: 300,
    });
    links.push(link);
    link.start();
    const conn = await amqp.connect(URL);
    const ch = await conn.createChannel();
    const seen: string[] = [];
    await new Promise<void>((done, fail) => {
      const t = setTimeout(() => fail(new Error(`only ${seen.length}/${n} arrived`)), 60_000);
      void ch.consume(dst, (m) => {
        if (!m) return;
        seen.push(String(m.properties.messageId));
        ch.ack(m);
        if (seen.length === n) {
          clearTimeout(t);
          done();
        }
      });
    });
    await conn.close();
    await link.stop(1000);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => `o-${i}`));
  });

  it('one active instance per link: a second one stays in standby until the first stops', async () => {
    const q = `fwd-lease-${sfx}`;
    const dst = `fwd-dst-${sfx}`;
    await freshQueue(URL, q);
    await freshQueue(URL, dst);
    const spec = {
      name: 'lease',
      source: { urls: [URL], queue: q, region: 'A' },
      destination: { kind: 'amqp' as const, urls: [URL], queue: dst, region: 'B' },
      standbyRetryMs: 300,
    };
    const first = new ForwardLink(spec);
    const second = new ForwardLink(spec);
    links.push(first, second);
    first.start();
    await until(() => first.status().state === 'running', 20_000, 'first running');
    second.start();
    await until(() => second.status().state === 'standby', 20_000, 'second in standby').catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(second.status())}`);
    });
    await first.stop(1000);
    await until(() => second.status().state === 'running', 20_000, 'second takes over');
    expect(first.status().state).toBe('stopped');
  });
});

async function collectOne(
  ch: amqp.Channel,
  src: string,
  dst: string,
  id: string,
): Promise<amqp.ConsumeMessage> {
  await ch.purgeQueue(dst);
  ch.sendToQueue(src, envelope(id), {
    persistent: true,
    messageId: id,
    type: 't.x',
    priority: 4,
    expiration: '600000',
    timestamp: Math.floor(Date.now() / 1000),
    contentType: 'application/json',
    headers: { custom: 'kept' },
  });
  const link = new ForwardLink({
    name: 'basic2',
    source: { urls: [URL], queue: src, region: 'A' },
    destination: { kind: 'amqp', urls: [URL], queue: dst, region: 'B' },
  });
  links.push(link);
  link.start();
  let msg: amqp.GetMessage | false = false;
  await until(
    async () => {
      msg = await ch.get(dst, { noAck: true });
      return !!msg;
    },
    20_000,
    'probe forwarded',
  );
  await link.stop(1000);
  return msg as unknown as amqp.ConsumeMessage;
}
