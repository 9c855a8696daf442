import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { type Delivery, type JobEnvelope, TransportError } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsConsumer } from './consumer';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

const PORT = 26601;
let sqs: LocalSqs;
let n = 0;
const urls: Record<string, string> = {};

/** A queue with a DLQ (maxReceiveCount 5); returns its warren name. */
async function freshQueue(fifo = false): Promise<string> {
  const name = `t${Date.now().toString(36)}${n++}`;
  const dlq = await sqs.createQueue(`${name}-dlq${fifo ? '.fifo' : ''}`, { fifo });
  const q = await sqs.createQueue(`${name}${fifo ? '.fifo' : ''}`, {
    fifo,
    deadLetterArn: dlq.arn,
    maxReceiveCount: 5,
  });
  urls[name] = q.url;
  urls[`${name}.dlq`] = dlq.url;
  return name;
}

/** The queue's messages as the assertions read them (see LocalSqs.receive for `expected`). */
async function receiveAll(url: string, expected = 0) {
  return (await sqs.receive(url, expected)).map((m) => ({
    body: m.Body!,
    attrs: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    ) as Record<string, string | undefined>,
    group: m.Attributes?.MessageGroupId,
    dedup: m.Attributes?.MessageDeduplicationId,
  }));
}

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

describe('createSqsPublisher against local-aws-sqs', () => {
  it('batches concurrent publishes and sends the envelope JSON byte for byte', async () => {
    const q = await freshQueue();
    const sent: number[] = [];
    const client = sqs.client;
    const counting = {
      send: (cmd: Parameters<typeof client.send>[0]) => {
        sent.push(1);
        return client.send(cmd);
      },
    };
    const pub = createSqsPublisher({ client: counting as typeof client, queueUrls: urls });
    const jobs = Array.from({ length: 25 }, (_, i) => makeJob({ queue: q, input: { i, s: 'é€😀' } }));
    await Promise.all(jobs.map((j) => pub.publish(q, j)));
    expect(sent.length).toBe(3); // 10 + 10 + 5
    const got = await receiveAll(urls[q]!, jobs.length);
    expect(new Set(got.map((m) => m.body))).toEqual(new Set(jobs.map((j) => JSON.stringify(j))));
    await pub.close();
  });

  it('splits a batch that would exceed 256 KiB and refuses a single oversized job', async () => {
    const q = await freshQueue();
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    const big = 'x'.repeat(100 * 1024);
    const jobs = Array.from({ length: 4 }, () => makeJob({ queue: q, input: big }));
    await Promise.all(jobs.map((j) => pub.publish(q, j)));
    expect((await receiveAll(urls[q]!, 4)).length).toBe(4);
    const huge = makeJob({ queue: q, input: 'y'.repeat(300 * 1024) });
    await expect(pub.publish(q, huge)).rejects.toMatchObject({ recoverable: false });
    await pub.close();
  });

  it('a failed entry rejects only its own publish', async () => {
    const q = await freshQueue();
    // Make SQS refuse one entry for real: an out-of-range DelaySeconds is a per-entry error.
    const client = sqs.client;
    const faulty = {
      send: (cmd: SendMessageBatchCommand) => {
        for (const e of cmd.input.Entries ?? []) if (e.MessageBody?.includes('"bad"')) e.DelaySeconds = 5000;
        return client.send(cmd);
      },
    } as unknown as typeof client;
    const pub = createSqsPublisher({ client: faulty, queueUrls: urls });
    const good = makeJob({ queue: q, input: {} });
    const bad = makeJob({ queue: q, input: { bad: true } });
    const [a, b] = await Promise.allSettled([pub.publish(q, good), pub.publish(q, bad)]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    const err = (b as PromiseRejectedResult).reason as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.recoverable).toBe(false); // SenderFault
    expect(err.message).toMatch(/InvalidParameterValue/);
    const got = await receiveAll(urls[q]!, 1);
    expect(got.map((m) => m.body)).toEqual([JSON.stringify(good)]);
    await pub.close();
  });

  it('FIFO: group = queue by default, dedup id = job id (a re-publish is dropped)', async () => {
    const q = await freshQueue(true);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    const job = makeJob({ queue: q });
    await pub.publish(q, job);
    await pub.publish(q, job);
    // The request's delay, not SQS's health: a 422 (a 503 was retried, as delayed, by the clients).
    await expect(pub.publish(q, makeJob({ queue: q }), { delayMs: 1000 })).rejects.toMatchObject({
      message: expect.stringMatching(/cannot delay/),
      recoverable: false,
      status: 422,
      code: 'unprocessable',
    });
    const got = await receiveAll(urls[q]!, 1);
    expect(got.length).toBe(1);
    expect(got[0]!.group).toBe(q);
    expect(got[0]!.dedup).toBe(job.id);
    await pub.close();
  });

  it('delayMs becomes DelaySeconds (rounded up)', async () => {
    const q = await freshQueue();
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    await pub.publish(q, makeJob({ queue: q }), { delayMs: 1200 });
    expect((await receiveAll(urls[q]!)).length).toBe(0);
    await sleep(2100);
    expect((await receiveAll(urls[q]!, 1)).length).toBe(1);
    await pub.close();
  });

  it('an unknown queue is a non-recoverable TransportError', async () => {
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    await expect(pub.publish('nope', makeJob())).rejects.toMatchObject({ recoverable: false });
    const missing = createSqsPublisher({
      client: sqs.client,
      queueUrlFor: () => `${sqs.endpoint}/123456789012/does-not-exist`,
    });
    await expect(missing.publish('x', makeJob())).rejects.toBeInstanceOf(TransportError);
  });
});

describe('createSqsConsumer against local-aws-sqs', () => {
  const consumeInto = async (q: string, handle: (d: Delivery) => Promise<void>, prefetch = 5) => {
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls: urls, waitTimeS: 1 });
    const seen: Delivery[] = [];
    const sub = await consumer.consume(
      q,
      async (d) => {
        seen.push(d);
        await handle(d);
      },
      { prefetch },
    );
    const stop = async () => {
      await sub.close();
      await consumer.close();
    };
    return { seen, stop };
  };

  it('delivers, acks (deletes) and bounds in-flight by prefetch', async () => {
    const q = await freshQueue();
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    const jobs: JobEnvelope[] = Array.from({ length: 30 }, () => makeJob({ queue: q }));
    await Promise.all(jobs.map((j) => pub.publish(q, j)));
    let inFlight = 0;
    let max = 0;
    const c = await consumeInto(
      q,
      async (d) => {
        max = Math.max(max, ++inFlight);
        await sleep(5);
        inFlight--;
        await d.ack();
      },
      4,
    );
    await eventually(() => c.seen.length >= 30, 20_000);
    await c.stop();
    expect(new Set(c.seen.map((d) => d.job.id))).toEqual(new Set(jobs.map((j) => j.id)));
    expect(c.seen.every((d) => d.attempt === 1)).toBe(true);
    expect(max).toBeLessThanOrEqual(4);
    expect((await receiveAll(urls[q]!)).length).toBe(0);
  });

  it('retry(delay) re-shows the same message as attempt 2 after the delay', async () => {
    const q = await freshQueue();
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    await pub.publish(q, makeJob({ queue: q }));
    const at: number[] = [];
    const c = await consumeInto(q, async (d) => {
      at.push(Date.now());
      if (d.attempt === 1) await d.retry(1000);
      else await d.ack();
    });
    await eventually(() => c.seen.length === 2, 10_000);
    await c.stop();
    // AWS would say attempt 2; local-aws-sqs counts the ChangeMessageVisibility as a receive too.
    expect(c.seen[0]!.attempt).toBe(1);
    expect([2, 3]).toContain(c.seen[1]!.attempt);
    expect(c.seen[1]!.redelivered).toBe(true);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
  });

  it('deadLetter and poison bodies land on the redrive DLQ with the reason attribute', async () => {
    const q = await freshQueue();
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    const job = makeJob({ queue: q });
    await pub.publish(q, job);
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    await sqs.client.send(new SendMessageCommand({ QueueUrl: urls[q]!, MessageBody: '{not json' }));
    const c = await consumeInto(q, (d) => d.deadLetter('failed after 3 attempts: Error: boom'));
    const dead = await eventually(async () => {
      const got = await receiveAll(urls[`${q}.dlq`]!, 2);
      return got.length === 2 ? got : undefined;
    }, 10_000);
    await c.stop();
    expect(c.seen.length).toBe(1);
    const byBody = new Map(dead.map((m) => [m.body, m.attrs['warren-reason']]));
    expect(byBody.get(JSON.stringify(job))).toBe('failed after 3 attempts: Error: boom');
    expect(byBody.get('{not json')).toMatch(/not JSON/);
    expect((await receiveAll(urls[q]!)).length).toBe(0);
  });

  it('a handler that rejects without settling gets the message back (release)', async () => {
    const q = await freshQueue();
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: urls });
    await pub.publish(q, makeJob({ queue: q }));
    const c = await consumeInto(q, async (d) => {
      if (!d.redelivered) throw new Error('crash before settling');
      await d.ack();
    });
    await eventually(() => c.seen.length === 2, 10_000);
    await c.stop();
    expect(c.seen[1]!.redelivered).toBe(true);
    expect(c.seen[1]!.job.id).toBe(c.seen[0]!.job.id);
  });
});
