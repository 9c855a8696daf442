import type { Delivery } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqsConsumer } from './consumer';
import { createSqsPublisher } from './publisher';
import { takeSqsDeadLetters } from './take-dead-letters';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

/**
 * A dead letter's attempt is the attempt the job died on, as the delivery and the record said it
 * (helper-79): the envelope's attempt offset by the receives. It read the receive count alone, so
 * a job that came with attempts spent (forwarded after a retry on RabbitMQ, or a copy carrying its
 * attempt) was listed by `warren dlq list --sqs` as `attempt 1/2` after failing its attempt 2.
 */
const PORT = 26907;
const RUN = `h79-dla-${Date.now().toString(36)}`;
let sqs: LocalSqs;

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

it('lists the attempt the job died on, not the receive count', async () => {
  const dlq = await sqs.createQueue(`${RUN}-dlq`);
  const q = await sqs.createQueue(RUN, { deadLetterArn: dlq.arn, maxReceiveCount: 5 });
  const queueUrls = { [RUN]: q.url };
  const pub = createSqsPublisher({ client: sqs.client, queueUrls });
  const consumer = createSqsConsumer({ client: sqs.client, queueUrls, waitTimeS: 1 });
  const job = makeJob({ queue: RUN, attempt: 2, maxAttempts: 2 });
  await pub.publish(RUN, job);
  const seen: Delivery[] = [];
  const sub = await consumer.consume(RUN, async (d) => {
    seen.push(d);
    await d.deadLetter('failed after 2 attempts: Error: boom');
  });
  try {
    await eventually(() => seen.length === 1, 5000);
    expect(seen[0]!.attempt).toBe(2);
    const take = await eventually(async () => {
      const t = await takeSqsDeadLetters(sqs.client, dlq.url, 1, 5);
      if (t.letters.length > 0) return t;
      await t.end();
    }, 5000);
    const letter = take.letters[0]!;
    expect(letter.decoded.ok && letter.decoded.job.id).toBe(job.id);
    expect(letter.decoded.ok && letter.decoded.attempt).toBe(2);
    await take.end();
  } finally {
    await sub.close();
    await consumer.close();
    await pub.close();
  }
});
