import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createAmqpBroker } from '@warren/amqp';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { handler } from '../../stacks/functions/forward-drain';
import { startLocalSqsFront } from './local-sqs';
import { depth, envelope } from './support';

// Source: the shared broker (:5672, a unique queue name). Destination: local-aws-sqs on 27053.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const queue = `fx-fwd-drain-classic-${sfx}`;

afterAll(async () => {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [queue, `${queue}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('the drain Lambda, a classic source queue', () => {
  // linksFromConfig gives a link its queue's type (7c4c619), but the drain built its links from
  // the plan's WARREN_FORWARD_LINKS, which has none: a missing <queue>.dlq was declared quorum,
  // and warren's next declare of that classic queue failed for good (QueueArgumentsMismatchError).
  it("dead-letters into a DLQ declared as warren declares it, so warren's next declare still works", async () => {
    const warren = () => createAmqpBroker({ urls: [URL], queues: { [queue]: { type: 'classic' } } });
    const first = warren();
    await first.connect();
    await first.ensureQueue(queue);
    await first.close();
    const conn = await amqp.connect(URL);
    const ch = await conn.createConfirmChannel();
    await ch.deleteQueue(`${queue}.dlq`); // an operator cleared the DLQ
    // Already crossed region eu, where the link goes (its SQS queue): dead-lettered as a loop.
    ch.sendToQueue(queue, envelope('loop', 200, { hops: ['eu'] }), {
      persistent: true,
      messageId: 'loop',
      contentType: 'application/json',
    });
    await ch.waitForConfirms();
    await conn.close();
    const sqs = await startLocalSqsFront(27053);
    const prev = { ...process.env };
    try {
      const queueUrl = await sqs.createQueue(`drain-classic-${sfx}`);
      Object.assign(process.env, {
        WARREN_CONFIG: resolve(import.meta.dirname, 'fx-classic-queue.config.ts'),
        FX_FWD_CLASSIC_QUEUE: queue,
        WARREN_REGION: 'eu',
        WARREN_REGIONS: JSON.stringify([{ id: 'eu', location: { lat: 0, lon: 0 }, brokers: [URL] }]),
        WARREN_FORWARD_LINKS: JSON.stringify([
          {
            name: `classic-${sfx}`,
            queue,
            from: 'eu',
            to: { kind: 'sqs', queueUrl, fifo: false, awsRegion: 'us-east-1' },
          },
        ]),
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      });
      const started = Date.now();
      const out = await handler({}, { getRemainingTimeInMillis: () => 20_000 - (Date.now() - started) });
      expect(out.links).toEqual([expect.objectContaining({ deadLettered: 1, forwarded: 0 })]);
    } finally {
      process.env = prev;
      await sqs.close();
    }
    const again = warren();
    try {
      await again.connect();
      await again.ensureQueue(queue);
    } finally {
      await again.close();
    }
    expect(await depth(URL, `${queue}.dlq`)).toBe(1);
  }, 40_000);
});
