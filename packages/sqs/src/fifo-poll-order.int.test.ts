import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqsConsumer } from './consumer';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

/**
 * The poll consumer on a FIFO queue: SQS hands several messages of one group in one receive, in
 * order, and they must run in that order, one at a time (the Lambda handler does). It ran them all
 * at once: 6 jobs of one group started together and finished in reverse order.
 */
const RUN = `h53fifo-${Date.now().toString(36)}`;
let sqs: LocalSqs;
let n = 0;
beforeAll(async () => {
  sqs = await startLocalSqs(26961);
});
afterAll(async () => {
  await sqs?.close();
});

async function fifoQueue(visibilityTimeoutS = 30) {
  const name = `${RUN}-${n++}`;
  const dlq = await sqs.createQueue(`${name}-dlq.fifo`, { fifo: true });
  const q = await sqs.createQueue(`${name}.fifo`, {
    fifo: true,
    deadLetterArn: dlq.arn,
    maxReceiveCount: 5,
    visibilityTimeoutS,
  });
  return { name, url: q.url };
}

it('runs one message group in order, one job at a time; other groups go on', async () => {
  const { name, url } = await fifoQueue();
  const groupOf = (i: number) => (i < 6 ? 'a' : 'b');
  const pub = createSqsPublisher({
    client: sqs.client,
    queueUrls: { [name]: url },
    messageGroupId: (job) => groupOf(Number(job.input)),
  });
  for (let i = 0; i < 8; i++) await pub.publish(name, makeJob({ queue: name, input: i }));
  const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [name]: url }, waitTimeS: 1 });
  const events: string[] = [];
  const running = new Map<string, number>();
  let overlap = 0;
  const sub = await consumer.consume(name, async (d) => {
    const i = Number(d.job.input);
    const g = groupOf(i);
    if (running.get(g)) overlap++;
    running.set(g, (running.get(g) ?? 0) + 1);
    events.push(`start ${i}`);
    await new Promise((r) => setTimeout(r, 200 - (i % 6) * 30)); // later jobs are quicker
    events.push(`end ${i}`);
    running.set(g, running.get(g)! - 1);
    await d.ack();
  });
  const deadline = Date.now() + 15_000;
  while (events.filter((e) => e.startsWith('end')).length < 8 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await sub.close();
  await consumer.close();
  await pub.close();
  const ends = events.filter((e) => e.startsWith('end')).map((e) => Number(e.split(' ')[1]));
  expect(overlap).toBe(0);
  expect(ends.filter((i) => i < 6)).toEqual([0, 1, 2, 3, 4, 5]);
  expect(ends.filter((i) => i >= 6)).toEqual([6, 7]);
  // Group b did not wait for group a.
  expect(events.indexOf('start 6')).toBeLessThan(events.indexOf('end 0'));
});

it('a job of the group that is not done holds back the rest of the batch, unrun, until it is', async () => {
  // The held-back jobs come back after the queue's visibility timeout (2 s), behind the retried one.
  const { name, url } = await fifoQueue(2);
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: url } });
  for (let i = 0; i < 3; i++) await pub.publish(name, makeJob({ queue: name, input: i }));
  const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [name]: url }, waitTimeS: 1 });
  const ran: number[] = [];
  let failedOnce = false;
  const sub = await consumer.consume(name, async (d) => {
    const i = Number(d.job.input);
    ran.push(i);
    if (i === 0 && !failedOnce) {
      failedOnce = true;
      return d.retry(500);
    }
    await d.ack();
  });
  const deadline = Date.now() + 15_000;
  while (ran.filter((i) => i === 2).length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await sub.close();
  await consumer.close();
  await pub.close();
  expect(ran).toEqual([0, 0, 1, 2]);
});
