import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, expect, it } from 'vitest';
import { envelope, freshQueue, until } from '../../../test/forwarder/support';
import { ForwardLink } from './link';

// On the shared broker (:5672), with unique queue names.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fx-fwd-dbl-src-${sfx}`;
const dst = `fx-fwd-dbl-dst-${sfx}`;
let link: ForwardLink | undefined;

afterAll(async () => {
  await link?.stop(1000);
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [src, dst, `${src}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

/**
 * A message on its second hop (it came from region C) is re-encoded, not copied byte for byte as a
 * first hop is: amqplib reads a double header as a plain number and, writing, guesses an int64 for
 * a whole one, so a foreign -1e19 (below -2^63) threw RangeError and the message never moved.
 */
it('forwards a message on its second hop with a foreign double header below -2^63, kept a double', async () => {
  await freshQueue(URL, src);
  await freshQueue(URL, dst);
  link = new ForwardLink({
    name: `fx-fwd-dbl-${sfx}`,
    source: { urls: [URL], queue: src, region: 'A' },
    destination: { kind: 'amqp', urls: [URL], queue: dst, region: 'B' },
  });
  link.start();
  await until(() => link!.status().state === 'running', 20_000, 'running');
  const conn = await amqp.connect(URL);
  const pub = await conn.createConfirmChannel();
  pub.sendToQueue(src, envelope('second-hop', 200, { hops: ['C'] }), {
    persistent: true,
    messageId: 'second-hop',
    contentType: 'application/json',
    headers: {
      'x-warren-forwarded': [`link=c-a;from=C;to=A;at=${Date.now()}`],
      'x-foreign-score': { '!': 'double', value: -1e19 },
    },
  });
  await pub.waitForConfirms();
  await until(() => link!.status().forwarded === 1, 10_000, 'forwarded');
  const ch = await conn.createChannel();
  const got = await ch.get(dst, { noAck: true });
  await conn.close();
  if (!got) throw new Error('nothing arrived at the destination');
  expect(got.properties.headers?.['x-foreign-score']).toBe(-1e19);
  expect(got.properties.headers?.['x-warren-forwarded']).toHaveLength(2);
  expect(JSON.parse(got.content.toString()).hops).toEqual(['C', 'A']);
});
