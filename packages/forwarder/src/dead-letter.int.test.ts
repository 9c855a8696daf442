import { randomUUID } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { depth, envelope, freshQueue, sleep, until } from '../../../test/forwarder/support';
import { ForwardLink } from './link';

// On the shared broker (:5672), with unique queue names.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fx-fwd-dl-src-${sfx}`;
const dst = `fx-fwd-dl-dst-${sfx}`;
const src2 = `fx-fwd-dl-src2-${sfx}`;
const classic = `fx-fwd-dl-classic-${sfx}`;
const src3 = `fx-fwd-dl-src3-${sfx}`;
const links: ForwardLink[] = [];

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [
    src,
    dst,
    `${src}.dlq`,
    src2,
    `${src2}.dlq`,
    classic,
    `${classic}.dlq`,
    src3,
    `${src3}.dlq`,
  ])
    await ch.deleteQueue(q).catch(() => {});
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

/** A looping message with a delay tier's dead-letter history, as a job delayed at the source has. */
async function sendLoopingAfterTier(id: string, tierDiedAt: number): Promise<void> {
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  ch.sendToQueue(src2, envelope(id, 200, { hops: ['B'] }), {
    persistent: true,
    messageId: id,
    contentType: 'application/json',
    headers: {
      'x-death': [
        {
          count: 1,
          reason: 'expired',
          queue: 'warren.delay.1000',
          exchange: '',
          'routing-keys': [src2],
          time: { '!': 'timestamp', value: Math.floor(tierDiedAt / 1000) },
        },
      ],
      'x-first-death-reason': 'expired',
      'x-first-death-queue': 'warren.delay.1000',
    },
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

  it("say when they died and from which queue, as warren's own letters do, not the source's dead-letter history", async () => {
    // warren dlq list/replay/drop read a letter's death from x-warren-dead-at, else from x-death
    // (a broker's dead-lettering): a letter without the first showed the time a delay tier at the
    // source expired the job (an hour before, here), or none.
    await freshQueue(URL, src2);
    const conn = await amqp.connect(URL);
    const link = new ForwardLink({
      name: `fx-fwd-dl-at-${sfx}`,
      source: { urls: [URL], queue: src2, region: 'A' },
      destination: { kind: 'amqp', urls: [URL], queue: dst, region: 'B' },
    });
    links.push(link);
    link.start();
    await until(() => link.status().state === 'running', 20_000, 'running');
    const before = Date.now();
    await sendLoopingAfterTier('loop-tier', before - 3_600_000);
    await until(() => link.status().deadLettered === 1, 10_000, 'dead letter');
    const after = Date.now();
    const ch = await conn.createChannel();
    const letter = await ch.get(`${src2}.dlq`, { noAck: true });
    await conn.close();
    if (!letter) throw new Error('no letter in the DLQ');
    const h = letter.properties.headers ?? {};
    expect(h['x-warren-reason']).toMatch(/^loop: message already crossed region B/);
    expect(h['x-warren-dead-at']).toBeGreaterThanOrEqual(before);
    expect(h['x-warren-dead-at']).toBeLessThanOrEqual(after);
    expect(h['x-warren-queue']).toBe(src2);
    expect(h['x-death']).toBeUndefined();
    expect(h['x-first-death-reason']).toBeUndefined();
    expect(h['x-warren-forwarded']).toBeUndefined(); // it was never forwarded
  });

  it('keep a foreign double header amqplib would take for an int64 (-1e19), as warren own letters do', async () => {
    // amqplib reads a double header as a plain number and, writing, guesses an int64 for a whole
    // one: -1e19 is below -2^63, and the copy threw RangeError before it was sent (amqp's
    // writableHeader, which warren's own dead letters and hops go through, sends it as a double).
    await freshQueue(URL, src3);
    const link = new ForwardLink({
      name: `fx-fwd-dl-double-${sfx}`,
      source: { urls: [URL], queue: src3, region: 'A' },
      destination: { kind: 'amqp', urls: [URL], queue: dst, region: 'B' },
    });
    links.push(link);
    link.start();
    await until(() => link.status().state === 'running', 20_000, 'running');
    const conn = await amqp.connect(URL);
    const pub = await conn.createConfirmChannel();
    pub.sendToQueue(src3, envelope('loop-double', 200, { hops: ['B'] }), {
      persistent: true,
      messageId: 'loop-double',
      contentType: 'application/json',
      headers: { 'x-foreign-score': { '!': 'double', value: -1e19 } },
    });
    await pub.waitForConfirms();
    await until(() => link.status().deadLettered === 1, 10_000, 'dead letter');
    const letter = await (await conn.createChannel()).get(`${src3}.dlq`, { noAck: true });
    await conn.close();
    if (!letter) throw new Error('no letter in the DLQ');
    expect(letter.properties.headers?.['x-foreign-score']).toBe(-1e19);
    expect(letter.properties.headers?.['x-warren-reason']).toMatch(/^loop: /);
    expect(await depth(URL, src3)).toBe(0);
  });

  it("of a classic queue go to a DLQ declared as warren declares it (classic too), so warren's next declare still works", async () => {
    // warren's topology, as a worker or ingest declares it: the queue and its DLQ, both classic.
    const warren = () => createAmqpBroker({ urls: [URL], queues: { [classic]: { type: 'classic' } } });
    const first = warren();
    await first.connect();
    await first.ensureQueue(classic);
    await first.close();
    const conn = await amqp.connect(URL);
    await (await conn.createChannel()).deleteQueue(`${classic}.dlq`); // an operator clears the DLQ
    await conn.close();
    const link = new ForwardLink({
      name: `fx-fwd-dl-classic-${sfx}`,
      source: { urls: [URL], queue: classic, region: 'A', type: 'classic' },
      destination: { kind: 'amqp', urls: [URL], queue: dst, region: 'B' },
    });
    links.push(link);
    link.start();
    await until(() => link.status().state === 'running', 20_000, 'running');
    const c = await amqp.connect(URL);
    const ch = await c.createConfirmChannel();
    ch.sendToQueue(classic, envelope('loop-classic', 200, { hops: ['B'] }), {
      persistent: true,
      messageId: 'loop-classic',
      contentType: 'application/json',
    });
    await ch.waitForConfirms();
    await c.close();
    await until(() => link.status().deadLettered === 1, 10_000, 'dead letter');
    // Declared as quorum, the DLQ made this fail for good: 'x-queue-type (type) is 'quorum' on the
    // broker, 'classic' in warren's declare' (QueueArgumentsMismatchError).
    const again = warren();
    try {
      await again.connect();
      await again.ensureQueue(classic);
    } finally {
      await again.close();
    }
    expect(await depth(URL, `${classic}.dlq`)).toBe(1);
  });
});
