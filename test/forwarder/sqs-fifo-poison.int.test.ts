import { randomUUID } from 'node:crypto';
import { ForwardLink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqsFront, startLocalSqsFront } from './local-sqs';
import { collect, depth, envelope, freshQueue, sleep, until } from './support';

// Source: the shared broker (:5672, unique queue names). Destination: local-aws-sqs on 27052.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const made: string[] = [];
let sqs: LocalSqsFront;
const links: ForwardLink[] = [];

beforeAll(async () => {
  sqs = await startLocalSqsFront(27052);
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  await sqs?.close();
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of made) for (const name of [q, `${q}.dlq`]) await ch.deleteQueue(name).catch(() => {});
  await conn.close();
});

/** A fresh source queue holding `items`, in that order. */
async function source(name: string, items: { id: string; body: Buffer }[]): Promise<string> {
  const q = `fwd-sqs-fifo-${name}-${sfx}`;
  made.push(q);
  await freshQueue(URL, q);
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  for (const { id, body } of items) {
    ch.sendToQueue(q, body, { persistent: true, messageId: id, contentType: 'application/json' });
  }
  await ch.waitForConfirms();
  await conn.close();
  return q;
}

/** A link from `q` into the FIFO queue `url`, restarting fast (a restart loop shows in a second). */
function startLink(name: string, q: string, url: string): ForwardLink {
  const link = new ForwardLink({
    name: `fwd-sqs-fifo-${name}-${sfx}`,
    source: { urls: [URL], queue: q, region: 'A' },
    destination: { kind: 'sqs', queueUrl: url, endpoint: sqs.endpoint, region: 'A' },
    backoffBaseMs: 50,
    backoffMaxMs: 200,
  });
  links.push(link);
  link.start();
  return link;
}

/** Settled: one dead letter (or a restart loop), then the link's counts. */
async function settle(link: ForwardLink) {
  await until(() => link.status().deadLettered === 1 || link.status().restarts >= 5, 15_000, 'settled');
  await sleep(500);
  const { deadLettered, forwarded, restarts } = link.status();
  return { deadLettered, forwarded, restarts };
}

describe('forwarder → SQS FIFO queue: a message SQS refuses the whole batch for', () => {
  // On a FIFO queue SQS refuses the whole SendMessageBatch (400 InvalidParameterValue, not a
  // per-entry failure) when one entry is over the queue's MaximumMessageSize: the link restarted,
  // the message came back first, and the link restarted again, for ever.
  it('a body over the queue limit is dead-lettered with the reason; the others go; no restart loop', async () => {
    const url = await sqs.createQueue(`fifo-max-${sfx}.fifo`, {
      FifoQueue: 'true',
      MaximumMessageSize: '2048',
    });
    const items = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: `ok-${i}`, body: envelope(`ok-${i}`, 300) })),
      { id: 'big', body: envelope('big', 4000) },
    ];
    const q = await source('max', items);
    const link = startLink('max', q, url);
    expect(await settle(link)).toEqual({ deadLettered: 1, forwarded: 6, restarts: 0 });
    const msgs = await sqs.receiveAll(url, 6, 5000);
    expect(msgs.map((m) => JSON.parse(m.Body!).id).sort()).toEqual(items.slice(0, 6).map((i) => i.id));
    const dlq = await collect(URL, `${q}.dlq`, 1, 5000);
    expect(dlq.messages[0]?.properties.messageId).toBe('big');
    expect(String(dlq.messages[0]?.properties.headers?.['x-warren-reason'])).toMatch(
      /oversize for SQS: \d+ bytes > 2048/,
    );
    await until(async () => (await depth(URL, q)) === 0, 5000, 'source acked');
  }, 40_000);

  // SQS takes no empty message body: a FIFO queue refuses the batch holding one (400
  // MissingParameter), and the link restarted on it for ever, as for an oversize body above. An
  // empty AMQP body is a valid message (a signal whose meaning is in its headers or routing key).
  it('an empty body is dead-lettered with the reason; the others go; no restart loop', async () => {
    const url = await sqs.createQueue(`fifo-empty-${sfx}.fifo`, { FifoQueue: 'true' });
    const items = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: `e-${i}`, body: envelope(`e-${i}`, 300) })),
      { id: 'empty', body: Buffer.alloc(0) },
    ];
    const q = await source('empty', items);
    const link = startLink('empty', q, url);
    expect(await settle(link)).toEqual({ deadLettered: 1, forwarded: 6, restarts: 0 });
    const msgs = await sqs.receiveAll(url, 6, 5000);
    expect(msgs.map((m) => JSON.parse(m.Body!).id).sort()).toEqual(items.slice(0, 6).map((i) => i.id));
    const dlq = await collect(URL, `${q}.dlq`, 1, 5000);
    expect(dlq.messages[0]?.properties.messageId).toBe('empty');
    expect(String(dlq.messages[0]?.properties.headers?.['x-warren-reason'])).toMatch(/empty/);
    await until(async () => (await depth(URL, q)) === 0, 5000, 'source acked');
  }, 40_000);
});
