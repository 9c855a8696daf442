import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ForwardLink, type LinkSpec, sqsSink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqsFront, startLocalSqsFront } from './local-sqs';
import { collect, depth, envelope, freshQueue, killHard, publishMany, spawnLink, until } from './support';

// Source: the shared broker (:5672, unique queue names). Destination: local-aws-sqs on 27050.
// What could not be run here: real AWS SQS (no network); its behaviour is taken from local-aws-sqs.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
let sqs: LocalSqsFront;
const made: string[] = [];

beforeAll(async () => {
  sqs = await startLocalSqsFront(27050);
});

afterAll(async () => {
  await sqs?.close();
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of made) {
    await ch.deleteQueue(q).catch(() => {});
    await ch.deleteQueue(`${q}.dlq`).catch(() => {});
  }
  await conn.close();
});

async function source(name: string): Promise<string> {
  const q = `fwd-sqs-${name}-${sfx}`;
  made.push(q);
  await freshQueue(URL, q);
  return q;
}

const spec = (name: string, queue: string, queueUrl: string, extra: Partial<LinkSpec> = {}): LinkSpec => ({
  name: `${name}-${sfx}`,
  source: { urls: [URL], queue, region: 'A' },
  destination: { kind: 'sqs', queueUrl, endpoint: sqs.endpoint, region: 'A' },
  ...extra,
});

async function publishRaw(queue: string, items: { id: string; body: Buffer }[]): Promise<void> {
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  for (const { id, body } of items) {
    ch.sendToQueue(queue, body, {
      persistent: true,
      messageId: id,
      type: 'bench.noop',
      contentType: 'application/json',
    });
  }
  await ch.waitForConfirms();
  await conn.close();
}

describe('forwarder → SQS (local-aws-sqs)', () => {
  it('batches ≤ 10 entries and ≤ 256 KiB, throttling backs off and retries, nothing lost', async () => {
    const q = await source('batch');
    const url = await sqs.createQueue(`batch-${sfx}`);
    // 30 × ~100 KiB (≤ 2 per batch by size) and 200 small (≤ 10 per batch by count).
    await publishRaw(q, [
      ...Array.from({ length: 30 }, (_, i) => ({ id: `big-${i}`, body: envelope(`big-${i}`, 100_000) })),
      ...Array.from({ length: 200 }, (_, i) => ({ id: `small-${i}`, body: envelope(`small-${i}`, 300) })),
    ]);
    const batches: { entries: number; bytes: number }[] = [];
    const client = new SQSClient({
      region: 'us-east-1',
      endpoint: sqs.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Entries?: { MessageBody?: string }[] };
        if (input.Entries) {
          batches.push({
            entries: input.Entries.length,
            bytes: input.Entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody ?? ''), 0),
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'recordBatches' },
    );
    sqs.throttleNext = 4;
    const s = spec('batch', q, url);
    const link = new ForwardLink(s, { openSink: sqsSink(s.destination as never, { client }) });
    link.start();
    try {
      // Throttled batches back off for seconds: wait for every confirm before reading the queue.
      await until(() => link.status().forwarded >= 230, 60_000, 'all 230 confirmed by SQS');
      const msgs = await sqs.receiveAll(url, 230, 60_000);
      expect(new Set(msgs.map((m) => JSON.parse(m.Body!).id)).size).toBe(230);
      expect(sqs.throttled).toBe(4);
      expect(link.status().lastError).toMatch(/Throttl/);
      expect(Math.max(...batches.map((b) => b.entries))).toBeLessThanOrEqual(10);
      expect(Math.max(...batches.map((b) => b.bytes))).toBeLessThanOrEqual(262_144);
      expect(batches.some((b) => b.entries === 10)).toBe(true);
      const m = msgs.find((x) => JSON.parse(x.Body!).id === 'small-1')!;
      expect(m.MessageAttributes?.['amqp-type']?.StringValue).toBe('bench.noop');
      expect(m.MessageAttributes?.['x-warren-forwarded']?.StringValue).toMatch(/from=A/);
      expect(JSON.parse(m.Body!).hops).toEqual(['A']);
      await until(
        async () => (await depth(URL, q)) === 0 && link.status().inFlight === 0,
        20_000,
        'source acked',
      );
    } finally {
      await link.stop(1000);
      client.destroy();
    }
  }, 120_000);

  it('partial batch failure: rejected and oversize entries are dead-lettered with a reason, the rest acked', async () => {
    const q = await source('partial');
    // A queue whose MaximumMessageSize (2 KiB) is below the forwarder's limit: SQS itself rejects the entry.
    const url = await sqs.createQueue(`partial-${sfx}`, { MaximumMessageSize: '2048' });
    await publishRaw(q, [
      ...Array.from({ length: 9 }, (_, i) => ({ id: `ok-${i}`, body: envelope(`ok-${i}`, 300) })),
      { id: 'too-big-for-queue', body: envelope('too-big-for-queue', 4000) },
      { id: 'oversize', body: envelope('oversize', 300_000) },
    ]);
    const link = new ForwardLink(spec('partial', q, url));
    link.start();
    try {
      await until(() => link.status().deadLettered === 2 && link.status().forwarded === 9, 30_000, 'settled');
      const msgs = await sqs.receiveAll(url, 9, 10_000);
      expect(msgs.map((m) => JSON.parse(m.Body!).id).sort()).toEqual(
        Array.from({ length: 9 }, (_, i) => `ok-${i}`),
      );
      const dlq = await collect(URL, `${q}.dlq`, 2, 10_000);
      const reasons = Object.fromEntries(
        dlq.messages.map((m) => [m.properties.messageId, String(m.properties.headers?.['x-warren-reason'])]),
      );
      expect(reasons['too-big-for-queue']).toMatch(/^sqs rejected: InvalidParameterValue/);
      expect(reasons.oversize).toMatch(/oversize for SQS/);
      await until(async () => (await depth(URL, q)) === 0, 10_000, 'source acked');
    } finally {
      await link.stop(1000);
    }
  }, 60_000);

  it('FIFO: MessageGroupId and MessageDeduplicationId = job id; a duplicate job is deduplicated', async () => {
    const q = await source('fifo');
    const url = await sqs.createQueue(`fifo-${sfx}.fifo`, { FifoQueue: 'true' });
    await publishRaw(q, [
      ...Array.from({ length: 5 }, (_, i) => ({ id: `f-${i}`, body: envelope(`f-${i}`, 200) })),
      { id: 'f-0', body: envelope('f-0', 200) },
    ]);
    const link = new ForwardLink(spec('fifo', q, url));
    link.start();
    try {
      await until(() => link.status().forwarded === 6, 30_000, 'all confirmed');
      const msgs = await sqs.receiveAll(url, 6, 5000);
      expect(msgs).toHaveLength(5);
      for (const m of msgs) {
        const id = JSON.parse(m.Body!).id;
        expect(m.Attributes?.MessageGroupId).toBe(id);
        expect(m.Attributes?.MessageDeduplicationId).toBe(id);
      }
    } finally {
      await link.stop(1000);
    }
  }, 60_000);

  it('10k messages RabbitMQ → SQS with kill -9 of the forwarder mid-way: nothing lost', async () => {
    const q = await source('kill');
    const url = await sqs.createQueue(`kill-${sfx}`);
    const N = 10_000;
    const prefetch = 500;
    await publishMany(URL, q, N, 'sq', 512);
    const s = spec('kill', q, url, { prefetch, backoffMaxMs: 2000 });
    let child = spawnLink(s);
    await until(async () => (await sqs.count(url)) >= 3000, 120_000, 'SQS reaches 3000');
    await killHard(child);
    const atKill = await sqs.count(url);
    child = spawnLink(s);
    try {
      await until(async () => (await depth(URL, q)) === 0, 180_000, 'source drained');
      await until(async () => (await sqs.count(url)) >= N, 60_000, 'SQS has all');
      const msgs = await sqs.receiveAll(url, N + prefetch, 120_000);
      const ids = new Set(msgs.map((m) => JSON.parse(m.Body!).id as string));
      for (let i = 0; i < N; i++) if (!ids.has(`sq-${i}`)) throw new Error(`sq-${i} lost`);
      const dups = msgs.length - ids.size;
      console.log(`SQS kill -9 at ${atKill}/${N}: ${dups} duplicates (bound ${prefetch})`);
      expect(atKill).toBeLessThan(N);
      expect(dups).toBeLessThanOrEqual(prefetch);
    } finally {
      await killHard(child);
    }
  }, 400_000);
});
