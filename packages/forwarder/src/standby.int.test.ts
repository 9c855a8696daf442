import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { freshQueue, sleep, until } from '../../../test/forwarder/support';
import { ForwardLink } from './link';

// On the shared broker (:5672), with unique queue names.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fx-fwd-sb-src-${sfx}`;
const dst = `fx-fwd-sb-dst-${sfx}`;
const links: ForwardLink[] = [];
const conns: amqp.ChannelModel[] = [];

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  for (const c of conns) await c.close().catch(() => {});
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [src, dst]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

const spec = (name: string) => ({
  name,
  source: { urls: [URL], queue: src, region: 'A' },
  destination: { kind: 'amqp' as const, urls: [URL], queue: dst, region: 'B' },
  standbyRetryMs: 300,
  backoffMaxMs: 300,
});

describe('standby', () => {
  it('another (non-forwarder) consumer on the source is an error, not standby', async () => {
    await freshQueue(URL, src, 'classic');
    await freshQueue(URL, dst);
    const conn = await amqp.connect(URL);
    conns.push(conn);
    await (await conn.createChannel()).consume(src, () => {}); // e.g. a local worker
    const logs: string[] = [];
    const link = new ForwardLink(spec(`fx-fwd-sb1-${sfx}`), { log: (m) => logs.push(m) });
    links.push(link);
    link.start();
    await until(() => link.status().restarts > 0, 10_000, 'a restart').catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(link.status())}`);
    });
    const st = link.status();
    expect(st.state).not.toBe('standby');
    expect(st.lastError).toMatch(
      new RegExp(`queue ${src} has other consumers; the forwarder needs exclusive use`),
    );
    expect(logs.join('\n')).toMatch(/has other consumers/);
    await link.stop(500);
    await conn.close();
  });

  it('a second instance of the link says why it waits in standby', async () => {
    await freshQueue(URL, src, 'classic');
    const logs: string[] = [];
    const first = new ForwardLink(spec(`fx-fwd-sb2-${sfx}`));
    const second = new ForwardLink(spec(`fx-fwd-sb2-${sfx}`), { log: (m) => logs.push(m) });
    links.push(first, second);
    first.start();
    await until(() => first.status().state === 'running', 10_000, 'first running');
    second.start();
    await until(() => second.status().state === 'standby', 10_000, 'second in standby');
    expect(second.status().standby).toMatch(/another instance holds the lease warren\.forwarder\.lease\./);
    expect(logs.join('\n')).toMatch(/standby: another instance holds the lease/);
    await first.stop(500);
    await until(() => second.status().state === 'running', 10_000, 'second takes over');
    await sleep(100);
    expect(second.status().standby).toBeUndefined();
  });
});
