import { randomUUID } from 'node:crypto';
import { ForwardLink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqsFront, startLocalSqsFront } from './local-sqs';
import { collect, depth, envelope, freshQueue, sleep, until } from './support';

// Source: the shared broker (:5672, unique queue names). Destination: local-aws-sqs on 27055.
// SQS takes only #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF in a body and
// in a string attribute (AWS SendMessage / MessageAttributeValue reference): other characters
// are refused (InvalidMessageContents; a FIFO queue refuses the whole batch). local-aws-sqs
// takes them, so what this shows is that the sink dead-letters them before sending.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const made: string[] = [];
const links: ForwardLink[] = [];
let sqs: LocalSqsFront;

beforeAll(async () => {
  sqs = await startLocalSqsFront(27055);
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  await sqs?.close();
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of made) for (const name of [q, `${q}.dlq`]) await ch.deleteQueue(name).catch(() => {});
  await conn.close();
});

interface Item {
  id: string;
  body: Buffer;
  type?: string;
}

const items = (p: string): { good: Item[]; bad: (Item & { reason: RegExp })[] } => ({
  good: [
    ...[0, 1, 2].map((i) => ({ id: `${p}-ok-${i}`, body: envelope(`${p}-ok-${i}`, 300) })),
    // A warren job whose input holds U+FFFF (JSON.stringify keeps it raw): sent with it escaped,
    // the same JSON value, not dead-lettered.
    { id: `${p}-ffff`, body: envelope(`${p}-ffff`, 300, { input: { s: '\uffff' } }) },
  ],
  bad: [
    // A raw (non-JSON) body with a NUL, and one with U+FFFF: the characters are the message's own.
    { id: `${p}-nul`, body: Buffer.from('signal\u0000'), reason: /^body has character U\+0000 at 6/ },
    { id: `${p}-raw-ffff`, body: Buffer.from('signal\uffff'), reason: /^body has character U\+FFFF at 6/ },
    // A body SQS takes, with an AMQP type it does not (carried as the amqp-type attribute).
    {
      id: `${p}-type`,
      body: envelope(`${p}-type`, 300),
      type: 'job\u0007',
      reason: /^message attribute amqp-type has character U\+0007 at 3/,
    },
  ],
});

async function source(name: string, list: Item[]): Promise<string> {
  const q = `fwd-sqs-chars-${name}-${sfx}`;
  made.push(q);
  await freshQueue(URL, q);
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  for (const { id, body, type } of list) {
    ch.sendToQueue(q, body, { persistent: true, messageId: id, ...(type ? { type } : {}) });
  }
  await ch.waitForConfirms();
  await conn.close();
  return q;
}

describe('forwarder → SQS: a message with characters SQS refuses', () => {
  it.each([
    ['fifo', true],
    ['standard', false],
  ])(
    '%s queue: dead-lettered with the character named; the others go',
    async (kind, fifo) => {
      const url = await sqs.createQueue(
        `chars-${kind}-${sfx}${fifo ? '.fifo' : ''}`,
        fifo ? { FifoQueue: 'true' } : {},
      );
      const { good, bad } = items(kind);
      // The refused ones between the good ones, so that each shares a batch with them.
      const q = await source(kind, [good[0]!, bad[0]!, good[1]!, bad[1]!, good[2]!, bad[2]!, good[3]!]);
      const link = new ForwardLink({
        name: `fwd-sqs-chars-${kind}-${sfx}`,
        source: { urls: [URL], queue: q, region: 'A' },
        destination: { kind: 'sqs', queueUrl: url, endpoint: sqs.endpoint, region: 'A' },
        backoffBaseMs: 50,
        backoffMaxMs: 200,
      });
      links.push(link);
      link.start();
      await until(() => link.status().forwarded + link.status().deadLettered >= 7, 15_000, 'all settled');
      await sleep(300);
      expect(link.status()).toMatchObject({ forwarded: 4, deadLettered: 3, restarts: 0 });
      const msgs = await sqs.receiveAll(url, 4, 5000);
      expect(msgs.map((m) => JSON.parse(m.Body!).id).sort()).toEqual(good.map((g) => g.id).sort());
      const ffff = msgs.find((m) => JSON.parse(m.Body!).id === `${kind}-ffff`)!;
      expect(ffff.Body).not.toContain('\uffff');
      expect(JSON.parse(ffff.Body!).input).toEqual({ s: '\uffff' });
      const dlq = await collect(URL, `${q}.dlq`, 3, 5000);
      const reasons = new Map(
        dlq.messages.map((m) => [
          String(m.properties.messageId),
          String(m.properties.headers?.['x-warren-reason']),
        ]),
      );
      for (const b of bad) expect(reasons.get(b.id)).toMatch(b.reason);
      await until(async () => (await depth(URL, q)) === 0, 5000, 'source acked');
    },
    30_000,
  );
});
