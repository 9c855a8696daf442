import { randomUUID } from 'node:crypto';
import {
  BatchRequestTooLong,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  InvalidAttributeName,
  InvalidMessageContents,
  SendMessageBatchCommand,
  type SendMessageBatchRequest,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ForwardLink, type SqsDestination, sqsSink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqsFront, startLocalSqsFront } from './local-sqs';
import { collect, depth, envelope, freshQueue, sleep, until } from './support';

// Source: the shared broker (:5672, unique queue names). Destination: local-aws-sqs on 27054,
// through a thin wrapper around a real SQS client that refuses chosen SendMessageBatch calls as a
// whole, as AWS does for reasons local-aws-sqs does not check (characters it refuses, say). Every
// other call goes to the real local queue. It also answers as AWS does where local-aws-sqs does not
// (below).
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const made: string[] = [];
const clients: SQSClient[] = [];
const links: ForwardLink[] = [];
let sqs: LocalSqsFront;

beforeAll(async () => {
  sqs = await startLocalSqsFront(27054);
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.stop(1000)));
  for (const c of clients) c.destroy();
  await sqs?.close();
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of made) for (const name of [q, `${q}.dlq`]) await ch.deleteQueue(name).catch(() => {});
  await conn.close();
});

type Refuse = (input: SendMessageBatchRequest) => Error | undefined;
interface Call {
  ids: string[];
  refused: boolean;
}

/** A real client on local-aws-sqs whose SendMessageBatch calls `refuse` may answer with an error. */
function refusingClient(refuse: Refuse): { client: SQSClient; calls: Call[] } {
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint: sqs.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  clients.push(client);
  const calls: Call[] = [];
  const send = client.send.bind(client) as (cmd: unknown) => Promise<unknown>;
  client.send = ((cmd: unknown) => {
    // AWS refuses FifoQueue by name for a standard queue (InvalidAttributeName: Unknown Attribute
    // FifoQueue, aws/aws-sdk-ruby#1350); local-aws-sqs answers without it.
    const attrs = cmd instanceof GetQueueAttributesCommand ? cmd.input : undefined;
    if (attrs?.AttributeNames?.includes('FifoQueue') && !attrs.QueueUrl?.endsWith('.fifo'))
      return Promise.reject(
        new InvalidAttributeName({
          message: 'Unknown Attribute FifoQueue.',
          $metadata: { httpStatusCode: 400 },
        }),
      );
    if (cmd instanceof SendMessageBatchCommand) {
      const err = refuse(cmd.input);
      const ids = (cmd.input.Entries ?? []).map((e) => idOf(e.MessageBody));
      calls.push({ ids, refused: !!err });
      if (err) return Promise.reject(err);
    }
    return send(cmd);
  }) as SQSClient['send'];
  return { client, calls };
}

const idOf = (body?: string) => String(JSON.parse(body ?? '{}').id);

/** A fresh source queue holding `ids`, in that order. */
async function source(name: string, ids: string[]): Promise<string> {
  const q = `fwd-sqs-refused-${name}-${sfx}`;
  made.push(q);
  await freshQueue(URL, q);
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  for (const id of ids) ch.sendToQueue(q, envelope(id, 300), { persistent: true, messageId: id });
  await ch.waitForConfirms();
  await conn.close();
  return q;
}

/** A link from `q` into `url` through `client`, restarting fast (a restart loop shows in a second). */
function startLink(name: string, q: string, url: string, client: SQSClient, fifo?: boolean): ForwardLink {
  const dest: SqsDestination = { kind: 'sqs', queueUrl: url, endpoint: sqs.endpoint, region: 'A', fifo };
  const link = new ForwardLink(
    {
      name: `fwd-sqs-refused-${name}-${sfx}`,
      source: { urls: [URL], queue: q, region: 'A' },
      destination: dest,
      backoffBaseMs: 50,
      backoffMaxMs: 200,
    },
    { openSink: sqsSink(dest, { client }) },
  );
  links.push(link);
  link.start();
  return link;
}

async function settle(link: ForwardLink, done: () => boolean) {
  await until(() => done() || link.status().restarts >= 5, 15_000, 'settled');
  await sleep(500);
  const { deadLettered, forwarded, restarts } = link.status();
  return { deadLettered, forwarded, restarts };
}

const ids = (p: string) => [0, 1, 2, 3, 4, 5, 6].map((i) => (i === 3 ? `${p}-poison` : `${p}-${i}`));

describe('forwarder → SQS: a batch refused as a whole for one of its entries', () => {
  // SQS refused the whole SendMessageBatch (400) for one bad entry, which the sink took for a
  // permanent error: the link restarted, the message came back first and failed the batch again,
  // for ever, holding back every message batched with it.
  it.each([
    ['fifo', true],
    ['standard', false],
  ])(
    '%s queue: the offender is dead-lettered with SQS error, the rest go one by one in order',
    async (kind, fifo) => {
      const url = await sqs.createQueue(
        `refused-${kind}-${sfx}${fifo ? '.fifo' : ''}`,
        fifo ? { FifoQueue: 'true' } : {},
      );
      const all = ids(kind);
      const poison = `${kind}-poison`;
      const { client, calls } = refusingClient((input) =>
        input.Entries?.some((e) => idOf(e.MessageBody) === poison)
          ? new InvalidMessageContents({
              message: 'Invalid characters found.',
              $metadata: { httpStatusCode: 400 },
            })
          : undefined,
      );
      const q = await source(kind, all);
      const link = startLink(kind, q, url, client);
      expect(await settle(link, () => link.status().deadLettered === 1)).toEqual({
        deadLettered: 1,
        forwarded: 6,
        restarts: 0,
      });
      const msgs = await sqs.receiveAll(url, 6, 5000);
      expect(msgs.map((m) => idOf(m.Body)).sort()).toEqual(all.filter((i) => i !== poison).sort());
      const dlq = await collect(URL, `${q}.dlq`, 1, 5000);
      expect(dlq.messages[0]?.properties.messageId).toBe(poison);
      expect(String(dlq.messages[0]?.properties.headers?.['x-warren-reason'])).toBe(
        'sqs rejected: InvalidMessageContents: Invalid characters found.',
      );
      await until(async () => (await depth(URL, q)) === 0, 5000, 'source acked');
      // Each batch refused with more than one entry was sent again one entry per call, in its order.
      const refused = calls.filter((c) => c.refused && c.ids.length > 1);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) {
        const singles = calls
          .filter((c) => c.ids.length === 1 && r.ids.includes(c.ids[0]!))
          .map((c) => c.ids[0]);
        expect(singles.slice(0, r.ids.length)).toEqual(r.ids);
      }
    },
    30_000,
  );

  // A refusal of the batch as such (AWS: BatchRequestTooLong) that no entry causes alone: each
  // entry then goes by itself and nothing is dead-lettered.
  it('refused once for the batch as such: every entry goes alone, nothing dead-lettered', async () => {
    const url = await sqs.createQueue(`refused-once-${sfx}.fifo`, { FifoQueue: 'true' });
    let refusals = 0;
    const { client } = refusingClient((input) =>
      refusals === 0 && (input.Entries?.length ?? 0) > 1 && ++refusals
        ? new BatchRequestTooLong({
            message: 'Batch requests cannot be longer than 262144 bytes.',
            $metadata: { httpStatusCode: 400 },
          })
        : undefined,
    );
    const all = ids('once');
    const q = await source('once', all);
    const link = startLink('once', q, url, client);
    expect(await settle(link, () => link.status().forwarded === 7)).toEqual({
      deadLettered: 0,
      forwarded: 7,
      restarts: 0,
    });
    expect(refusals).toBe(1);
    const msgs = await sqs.receiveAll(url, 7, 5000);
    expect(msgs.map((m) => idOf(m.Body)).sort()).toEqual([...all].sort());
  }, 30_000);

  // What is wrong with the queue, not a message (here: deleted), still restarts the link:
  // one-by-one sends would have dead-lettered every message with "queue does not exist".
  it('a queue deleted under the link restarts it; nothing is dead-lettered', async () => {
    const url = await sqs.createQueue(`refused-gone-${sfx}.fifo`, { FifoQueue: 'true' });
    const { client } = refusingClient(() => undefined);
    const q = await source('gone', []);
    const link = startLink('gone', q, url, client);
    await until(() => link.status().state === 'running', 10_000, 'running');
    await sqs.client.send(new DeleteQueueCommand({ QueueUrl: url }));
    const conn = await amqp.connect(URL);
    const ch = await conn.createConfirmChannel();
    for (const id of ids('gone')) ch.sendToQueue(q, envelope(id, 300), { persistent: true, messageId: id });
    await ch.waitForConfirms();
    await conn.close();
    await until(() => link.status().restarts >= 2, 15_000, 'restarts');
    expect(link.status()).toMatchObject({ deadLettered: 0, forwarded: 0 });
    await link.stop(1000);
    expect(await depth(URL, q)).toBe(7);
  }, 30_000);

  // A FIFO queue sent to as a standard one refuses every batch (no MessageGroupId): one by one,
  // every message would be dead-lettered for a link's configuration. The link refuses to start.
  it('a FIFO queue the link sends to as standard: the link does not start; nothing is dead-lettered', async () => {
    const url = await sqs.createQueue(`refused-type-${sfx}.fifo`, { FifoQueue: 'true' });
    const { client, calls } = refusingClient(() => undefined);
    const q = await source('type', ids('type'));
    const link = startLink('type', q, url, client, false);
    await until(() => link.status().restarts >= 2, 15_000, 'restarts');
    expect(link.status()).toMatchObject({ deadLettered: 0, forwarded: 0 });
    expect(link.status().lastError).toMatch(/the queue is FIFO but the link sends to it as standard/);
    expect(calls).toEqual([]);
    await link.stop(1000);
    expect(await depth(URL, q)).toBe(7);
  }, 30_000);
});
