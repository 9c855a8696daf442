import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { depth, envelope, freshQueue, sleep, until } from '../../../test/forwarder/support';
import { ForwardLink } from './link';

// On the shared broker (:5672), with unique queue names.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fx-fwd-dl-src-${sfx}`;
const dst = `fx-fwd-dl-dst-${sfx}`;
const links: ForwardLink[] = [];

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [src, dst, `${src}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

/** A message that already crossed region B: the A → B link dead-letters it. */
async function sendLooping(id: string): Promise<void> {
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  ch.sendToQueue(src, envelope(id, 200, { hops: ['B'] }), {
    persistent: true,
    messageId: id,
    contentType: 'application/json',
  });
  await ch.waitForConfirms();
  await conn.close();
}

async function depthOrMissing(queue: string): Promise<number | string> {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  const n = await ch.checkQueue(queue).then(
    (q) => q.messageCount,
    (e: Error) => `missing: ${e.message}`,
  );
  await conn.close().catch(() => {});
  return n;
}

describe('dead-letter copies', () => {
  it('are not lost when the DLQ is deleted while the link runs: it is declared again', async () => {
    await freshQueue(URL, src);
    await freshQueue(URL, dst);
    const link = new ForwardLink({
      name: `fx-fwd-dl-${sfx}`,
      source: { urls: [URL], queue: src, region: 'A' },
      destination: { kind: 'amqp', urls: [URL], queue: dst, region: 'B' },
    });
    links.push(link);
    link.start();
    await until(() => link.status().state === 'running', 20_000, 'running');
    await sendLooping('loop-1');
    await until(() => link.status().deadLettered === 1, 10_000, 'first dead letter');
    expect(await depth(URL, `${src}.dlq`)).toBe(1);

    // An operator clears the DLQ by deleting it; the session had cached it as declared.
    const conn = await amqp.connect(URL);
    await (await conn.createChannel()).deleteQueue(`${src}.dlq`);
    await conn.close();

    await sendLooping('loop-2');
    await until(() => link.status().deadLettered === 2, 10_000, 'second dead letter');
    await sleep(300);
    expect(await depthOrMissing(`${src}.dlq`)).toBe(1);
    expect(await depth(URL, src)).toBe(0);
    expect(link.status().inFlight).toBe(0);
  });
});
