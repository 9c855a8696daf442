import net from 'node:net';
import { makeJob } from '@warren/core/testing';
import { ForwardLink } from '@warren/forwarder';
import { parseEnvelope } from '@warren/protocol';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, freshQueue } from './support';

// The shared broker reached over IPv6: a pipe on [::1] to 127.0.0.1:5672 (the broker listens on
// IPv4 only). An ad-hoc link names its regions after its URLs' host:port.
const SHARED = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = `h58-v6-${Date.now().toString(36)}`;
const SRC = `${sfx}-src`;
const DST = `${sfx}-dst`;
let pipe: net.Server;
let v6Url = '';
let link: ForwardLink | undefined;

beforeAll(async () => {
  pipe = net.createServer((client) => {
    const up = net.connect({ port: 5672, host: '127.0.0.1' });
    client.pipe(up).pipe(client);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => pipe.listen(0, '::1', r));
  v6Url = `amqp://guest:guest@[::1]:${(pipe.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await link?.stop(1000);
  pipe.close();
  const conn = await amqp.connect(SHARED);
  const ch = await conn.createChannel();
  for (const q of [SRC, DST, `${SRC}.dlq`, `warren.forwarder.lease.${sfx}`])
    await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('a link whose source URL is an IPv6 address', () => {
  it('forwards jobs a worker can read: the hop it adds is a valid region name', async () => {
    await freshQueue(SHARED, SRC);
    await freshQueue(SHARED, DST);
    const job = makeJob({ queue: SRC });
    const conn = await amqp.connect(SHARED);
    const ch = await conn.createConfirmChannel();
    ch.sendToQueue(SRC, Buffer.from(JSON.stringify(job)), {
      persistent: true,
      messageId: job.id,
      contentType: 'application/json',
    });
    await ch.waitForConfirms();
    await conn.close();

    link = new ForwardLink({
      name: sfx,
      source: { urls: [v6Url], queue: SRC },
      destination: { kind: 'amqp', urls: [SHARED], queue: DST },
    });
    link.start();
    const got = await collect(SHARED, DST, 1, 15_000);
    const body = got.messages[0]!.content.toString();
    const parsed = parseEnvelope(body);
    expect(parsed.ok ? 'ok' : parsed.reason).toBe('ok');
    expect(JSON.parse(body).hops).toEqual([`0::1:${(pipe.address() as net.AddressInfo).port}`]);
  }, 30_000);
});
