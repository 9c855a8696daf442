import { DeleteMessageCommand, type SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Delivery, JobEnvelope } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsConsumer } from './consumer';
import { createLambdaRecordMapper } from './lambda-record';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

// Delays beyond SQS's 15 min DelaySeconds: the envelope's notBefore carries the rest.
const PORT = 26631;
const RUN = `fx-sqs-nb-${Date.now().toString(36)}`;
let sqs: LocalSqs;
let n = 0;

async function freshQueue(visibilityTimeoutS = 30) {
  const name = `${RUN}-${n++}`;
  const dlq = await sqs.createQueue(`${name}-dlq`);
  const q = await sqs.createQueue(name, { deadLetterArn: dlq.arn, maxReceiveCount: 5, visibilityTimeoutS });
  return { name, url: q.url };
}

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

// Concurrent: the consumer tests are waits for a notBefore (2-2.5 s, then 2.5 s of silence), each
// on a queue of its own.
describe.concurrent('SQS delays longer than DelaySeconds allows', () => {
  it('the publisher sends DelaySeconds 900 and stamps notBefore when the envelope has none', async () => {
    const q = await freshQueue();
    const sent: SendMessageBatchCommand['input'][] = [];
    const client = sqs.client;
    const spy = {
      send: (cmd: SendMessageBatchCommand) => {
        sent.push(cmd.input);
        return client.send(cmd);
      },
    } as unknown as typeof client;
    const pub = createSqsPublisher({ client: spy, queueUrls: { [q.name]: q.url } });
    const bare = makeJob({ queue: q.name });
    const t0 = Date.now();
    await pub.publish(q.name, bare, { delayMs: 3_600_000 });
    const dated = makeJob({ queue: q.name, notBefore: new Date(t0 + 7_200_000).toISOString() });
    await pub.publish(q.name, dated, { delayMs: 7_200_000 });
    const short = makeJob({ queue: q.name });
    await pub.publish(q.name, short, { delayMs: 2000 });
    const entries = sent.flatMap((s) => s.Entries ?? []);
    expect(entries.map((e) => e.DelaySeconds)).toEqual([900, 900, 2]);
    const stamped = JSON.parse(entries[0]!.MessageBody!) as JobEnvelope;
    expect(Date.parse(stamped.notBefore!) - t0).toBeGreaterThanOrEqual(3_600_000);
    expect(Date.parse(stamped.notBefore!) - t0).toBeLessThan(3_610_000);
    expect({ ...stamped, notBefore: undefined }).toEqual({ ...bare, notBefore: undefined });
    expect(entries[1]!.MessageBody).toBe(JSON.stringify(dated)); // already says when: unchanged
    expect(entries[2]!.MessageBody).toBe(JSON.stringify(short)); // DelaySeconds covers it
    await pub.close();
  });

  it('the poll consumer does not hand out a job before its notBefore, and hands it out after', async () => {
    const q = await freshQueue(1);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [q.name]: q.url } });
    const later = makeJob({ queue: q.name, notBefore: new Date(Date.now() + 3_600_000).toISOString() });
    const soon = makeJob({ queue: q.name, notBefore: new Date(Date.now() + 2500).toISOString() });
    await pub.publish(q.name, later);
    await pub.publish(q.name, soon);
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [q.name]: q.url }, waitTimeS: 1 });
    const seen: { d: Delivery; at: number }[] = [];
    const sub = await consumer.consume(q.name, async (d) => {
      seen.push({ d, at: Date.now() });
      await d.ack();
    });
    const due = Date.parse(soon.notBefore!);
    await eventually(() => seen.length >= 1, 10_000);
    await sleep(2500); // several visibility timeouts (1 s) of the queue: `later` stays hidden
    await sub.close();
    await consumer.close();
    // At least once: local-aws-sqs's long poll answers a 1 s visibility late, so a message can be
    // taken twice (each hands back a copy); never before it is due, and `later` not at all.
    expect(new Set(seen.map((s) => s.d.job.id))).toEqual(new Set([soon.id]));
    for (const s of seen) expect(s.at).toBeGreaterThanOrEqual(due);
    // `later` is still on the queue, hidden, not dead-lettered or deleted.
    expect((await sqs.receive(q.url)).length).toBe(0);
    await pub.close();
  });

  it('waiting for notBefore spends no attempt: the job runs as attempt 1', async () => {
    const q = await freshQueue(30);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [q.name]: q.url } });
    const soon = makeJob({ queue: q.name, notBefore: new Date(Date.now() + 2000).toISOString() });
    await pub.publish(q.name, soon);
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [q.name]: q.url }, waitTimeS: 1 });
    const seen: Delivery[] = [];
    const sub = await consumer.consume(q.name, async (d) => {
      seen.push(d);
      await d.ack();
    });
    await eventually(() => seen.length >= 1, 10_000);
    await sub.close();
    await consumer.close();
    expect(seen.map((d) => [d.job.id, d.attempt])).toEqual([[soon.id, 1]]);
    await pub.close();
  });

  it('a Lambda record handed back unrun keeps its attempt (a fresh copy, the original deleted)', async () => {
    const q = await freshQueue(30);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [q.name]: q.url } });
    const job = makeJob({ queue: q.name, maxAttempts: 5 });
    await pub.publish(q.name, job);
    const mapper = createLambdaRecordMapper({ client: sqs.client });
    const [m] = await sqs.receive(q.url, 1);
    const mapped = await mapper.map({
      messageId: m!.MessageId!,
      receiptHandle: m!.ReceiptHandle!,
      body: m!.Body!,
      attributes: { ApproximateReceiveCount: '2' }, // as if its first attempt had been retried
      eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${q.name}`,
    } as SQSRecord);
    if (!mapped.ok) throw new Error(mapped.reason);
    expect(mapped.delivery.attempt).toBe(2);
    await mapped.delivery.defer(0);
    expect(mapped.delivery.keep).toBe(false);
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: m!.ReceiptHandle! }));
    const again = await sqs.receive(q.url, 1);
    expect(again.map((x) => JSON.parse(x.Body!))).toEqual([{ ...job, attempt: 2 }]);
    expect(again[0]!.Attributes?.ApproximateReceiveCount).toBe('1'); // so its next run is attempt 2
    await pub.close();
  });
});
