import type { Delivery } from '@warren/core';
import { eventually, makeJob, sleep } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsConsumer } from './consumer';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

// A task that runs longer than the queue's visibility timeout must not be received again mid-run.
const PORT = 26633;
const RUN = `fx-sqs-hb-${Date.now().toString(36)}`;
let sqs: LocalSqs;
let n = 0;

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

async function run(handle: (d: Delivery, seen: number) => Promise<void>, until: (seen: number) => boolean) {
  const name = `${RUN}-${n++}`;
  const dlq = await sqs.createQueue(`${name}-dlq`);
  // maxReceiveCount high: local-aws-sqs counts each ChangeMessageVisibility as a receive.
  const q = await sqs.createQueue(name, {
    deadLetterArn: dlq.arn,
    maxReceiveCount: 50,
    visibilityTimeoutS: 2,
  });
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } });
  await pub.publish(name, makeJob({ queue: name }));
  const consumer = createSqsConsumer({ client: sqs.client, queueUrls: { [name]: q.url }, waitTimeS: 1 });
  const seen: number[] = [];
  const sub = await consumer.consume(name, async (d) => {
    seen.push(Date.now());
    await handle(d, seen.length);
  });
  await eventually(() => until(seen.length), 15_000);
  return {
    seen,
    url: q.url,
    stop: async () => {
      await sub.close();
      await consumer.close();
      await pub.close();
    },
  };
}

// Concurrent: both tests are long waits (a 5 s run, a 4 s retry), each on its own queue.
describe.concurrent('poll consumer visibility heartbeat', () => {
  it('a 5 s task on a 2 s visibility timeout is delivered once', async () => {
    let done = false;
    const r = await run(
      async (d) => {
        await sleep(5000);
        await d.ack();
        done = true;
      },
      () => done,
    );
    await sleep(2500); // past another visibility timeout: nothing comes back
    await r.stop();
    expect(r.seen.length).toBe(1);
    expect((await sqs.receive(r.url)).length).toBe(0);
  });

  it('the heartbeat stops at settle: a retry after a long run keeps its own delay', async () => {
    const r = await run(
      async (d, seen) => {
        if (seen > 1) return d.ack();
        await sleep(2500);
        await d.retry(4000);
      },
      (seen) => seen >= 2,
    );
    await r.stop();
    // Back after the retry's 4 s, not the heartbeat's 2 s.
    expect(r.seen[1]! - r.seen[0]!).toBeGreaterThanOrEqual(2500 + 3900);
  });
});
