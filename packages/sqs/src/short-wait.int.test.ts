import type { Delivery } from '@warren/core';
import { makeJob, sleep } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/ports';
import { createSqsConsumer } from './consumer';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

const RUN = `h63-sqs-sw-${Date.now().toString(36)}`;
let sqs: LocalSqs;

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
});
afterAll(async () => {
  await sqs?.close();
});

/**
 * A job received a little before its notBefore (a delay through RabbitMQ's tiers comes back up to
 * a remainder early, and the bridge forwards it at once) was handed back as a copy with
 * DelaySeconds rounded up to 1 s: it ran up to a second (and a receive) late.
 */
describe('the SQS poll consumer, a job due in under a second', () => {
  it('runs it when due, not a DelaySeconds round later', async () => {
    const dlq = await sqs.createQueue(`${RUN}-dlq`);
    const q = await sqs.createQueue(RUN, { deadLetterArn: dlq.arn, maxReceiveCount: 5 });
    const queueUrls = { [RUN]: q.url };
    const pub = createSqsPublisher({ client: sqs.client, queueUrls });
    // Short polls: the consumer receives the job as soon as it is sent, ~600 ms before it is due.
    const consumer = createSqsConsumer({ client: sqs.client, queueUrls, waitTimeS: 0 });
    const seen: { d: Delivery; at: number }[] = [];
    const sub = await consumer.consume(RUN, async (d) => {
      seen.push({ d, at: Date.now() });
      await d.ack();
    });
    const job = makeJob({ queue: RUN, notBefore: new Date(Date.now() + 600).toISOString() });
    const due = Date.parse(job.notBefore!);
    await pub.publish(RUN, job);
    for (const until = Date.now() + 10_000; seen.length === 0 && Date.now() < until; ) await sleep(20);
    await sub.close();
    await consumer.close();
    await pub.close();
    expect(seen.map((s) => s.d.job.id)).toEqual([job.id]);
    expect(seen[0]!.at).toBeGreaterThanOrEqual(due);
    expect(seen[0]!.at - due).toBeLessThan(300); // was ~400+ (DelaySeconds 1 from the receive)
    expect(seen[0]!.d.attempt).toBe(1);
  }, 20_000);
});
