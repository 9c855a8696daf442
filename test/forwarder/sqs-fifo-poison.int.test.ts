import type { ForwardLink } from '@warren/forwarder';
import { describe, expect, it } from 'vitest';
import { sqsSinkRun } from './sqs-sink-run';
import { collect, depth, envelope, sleep, until } from './support';

// Source: the shared broker (:5672, unique queue names). Destination: local-aws-sqs on 27052.
const run = sqsSinkRun(27052, 'fifo');
const { sfx, url: URL } = run;
const json = { contentType: 'application/json' };
const startLink = (name: string, q: string, url: string) => run.link(name, q, url);
/** A fresh source queue holding `items` (JSON, as warren's jobs), in that order. */
const source = (name: string, items: { id: string; body: Buffer }[]) =>
  run.source(
    name,
    items.map((i) => ({ ...i, props: json })),
  );

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
    const url = await run.sqs().createQueue(`fifo-max-${sfx}.fifo`, {
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
    const msgs = await run.sqs().receiveAll(url, 6, 5000);
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
    const url = await run.sqs().createQueue(`fifo-empty-${sfx}.fifo`, { FifoQueue: 'true' });
    const items = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: `e-${i}`, body: envelope(`e-${i}`, 300) })),
      { id: 'empty', body: Buffer.alloc(0) },
    ];
    const q = await source('empty', items);
    const link = startLink('empty', q, url);
    expect(await settle(link)).toEqual({ deadLettered: 1, forwarded: 6, restarts: 0 });
    const msgs = await run.sqs().receiveAll(url, 6, 5000);
    expect(msgs.map((m) => JSON.parse(m.Body!).id).sort()).toEqual(items.slice(0, 6).map((i) => i.id));
    const dlq = await collect(URL, `${q}.dlq`, 1, 5000);
    expect(dlq.messages[0]?.properties.messageId).toBe('empty');
    expect(String(dlq.messages[0]?.properties.headers?.['x-warren-reason'])).toMatch(/empty/);
    await until(async () => (await depth(URL, q)) === 0, 5000, 'source acked');
  }, 40_000);
});
