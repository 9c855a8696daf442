import { describe, expect, it } from 'vitest';
import { sqsSinkRun } from './sqs-sink-run';
import { collect, depth, envelope, sleep, until } from './support';

// Source: the shared broker (:5672, unique queue names). Destination: local-aws-sqs on 27055.
// SQS takes only #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF in a body and
// in a string attribute (AWS SendMessage / MessageAttributeValue reference): other characters
// are refused (InvalidMessageContents; a FIFO queue refuses the whole batch). local-aws-sqs
// takes them, so what this shows is that the sink dead-letters them before sending.
const run = sqsSinkRun(27055, 'chars');
const { sfx, url: URL } = run;

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

const source = (name: string, list: Item[]) =>
  run.source(
    name,
    list.map(({ id, body, type }) => ({ id, body, props: type ? { type } : {} })),
  );

describe('forwarder → SQS: a message with characters SQS refuses', () => {
  it.each([
    ['fifo', true],
    ['standard', false],
  ])(
    '%s queue: dead-lettered with the character named; the others go',
    async (kind, fifo) => {
      const url = await run
        .sqs()
        .createQueue(`chars-${kind}-${sfx}${fifo ? '.fifo' : ''}`, fifo ? { FifoQueue: 'true' } : {});
      const { good, bad } = items(kind);
      // The refused ones between the good ones, so that each shares a batch with them.
      const q = await source(kind, [good[0]!, bad[0]!, good[1]!, bad[1]!, good[2]!, bad[2]!, good[3]!]);
      const link = run.link(kind, q, url);
      await until(() => link.status().forwarded + link.status().deadLettered >= 7, 15_000, 'all settled');
      await sleep(300);
      expect(link.status()).toMatchObject({ forwarded: 4, deadLettered: 3, restarts: 0 });
      const msgs = await run.sqs().receiveAll(url, 4, 5000);
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
