import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { depth, freshQueue, publishMany, until } from '../../../test/forwarder/support';
import { adHocLink } from './ad-hoc-link';
import { ForwardLink } from './link';
import { leaseName } from './source-lease';

// On the shared broker (:5672), with unique queue names of 120 characters (RabbitMQ takes 255).
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fx-fwd-long-src-${sfx}-`.padEnd(120, 'x');
const dst = `fx-fwd-long-dst-${sfx}-`.padEnd(120, 'x');
const links: ForwardLink[] = [];

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [src, dst]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('a link whose name is long (long queue names)', () => {
  it('gets a lease queue RabbitMQ takes and forwards: the name of warren forward --queue <120 chars> --to-queue <120 chars>', async () => {
    await freshQueue(URL, src);
    await freshQueue(URL, dst);
    await publishMany(URL, src, 5, 'long');
    const spec = adHocLink({ from: [URL], queue: src, to: [URL], toQueue: dst });
    expect(spec.name.length).toBeGreaterThan(240);
    const link = new ForwardLink(spec);
    links.push(link);
    link.start();
    await until(() => link.status().forwarded === 5, 10_000, 'five forwarded').catch((e) => {
      throw new Error(`${e.message}: ${link.status().lastError}`);
    });
    expect(await depth(URL, dst)).toBe(5);
    expect(link.status().restarts).toBe(0);
    // One active instance: a second one waits in standby, told why (RabbitMQ's refusal, which names
    // the lease, is clipped to 255 bytes).
    const second = new ForwardLink({ ...spec, standbyRetryMs: 200 });
    links.push(second);
    second.start();
    await until(() => second.status().state === 'standby', 10_000, 'standby').catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(second.status())}`);
    });
    expect(second.status().standby).toBe(`another instance holds the lease ${leaseName(spec.name)}`);
  });

  it('lease names fit in 255 bytes, stay as they were for short links, differ for long ones', () => {
    expect(leaseName('q:eu->us')).toBe('warren.forwarder.lease.q:eu->us');
    const a = `${'é'.repeat(200)}:eu->us`;
    const b = `${'é'.repeat(200)}:eu->ap`;
    for (const n of [a, b, 'x'.repeat(1000)])
      expect(Buffer.byteLength(leaseName(n))).toBeLessThanOrEqual(255);
    expect(leaseName(a)).toBe(leaseName(a));
    expect(leaseName(a)).not.toBe(leaseName(b));
  });
});
