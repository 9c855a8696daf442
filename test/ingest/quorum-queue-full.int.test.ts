import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, drainQueue, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A quorum queue with `maxLength` (reject-publish) on the Node ingest over real RabbitMQ (:5672)
 * and Redis (:6379). RabbitMQ's quorum queue refuses publishes once over its limit and goes on
 * refusing them until it is down to 80 % of it (rabbit_fifo's low-water mark), not just below the
 * limit as a classic queue does. A nack in that band is the queue still full: a 429 with
 * Retry-After, not a 503 "no region could confirm" (which also marks the region as failing and
 * spreads the queue's jobs to other regions).
 */
const RUN = `qf${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-full`;
const KEY = 'quorum-full-key-0123456789abcdef';
const config = defineConfig({
  queues: { [QUEUE]: { type: 'quorum', maxLength: 10 } },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'qf.echo', queue: QUEUE, input: z.number(), handler: (x) => x })],
});

describe('a full quorum queue on real RabbitMQ + Redis (Node adapter)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>> | undefined;
  let conn: amqp.ChannelModel | undefined;

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    conn = await amqp.connect(AMQP_URL);
  }, 60_000);

  afterAll(async () => {
    await conn?.close();
    await ingest?.close();
  });

  const post = (input: number) =>
    fetch(`${ingest!.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ task: 'qf.echo', input }),
    });

  /**
   * Takes jobs off the queue until `left` are ready in it, then waits out the publisher's cached
   * verdict on the queue (250 ms), so the next nack is judged on the queue as it is now.
   */
  async function takeDownTo(left: number) {
    const ch = await conn!.createChannel();
    while ((await ch.checkQueue(QUEUE)).messageCount > left) await ch.get(QUEUE, { noAck: true });
    await ch.close();
    await new Promise((r) => setTimeout(r, 400));
  }

  it('answers 429 with Retry-After while the queue refuses publishes, between 80 % and 100 % of maxLength', async () => {
    let first: Response | undefined;
    for (let i = 0; i < 30 && first?.status !== 429; i++) first = await post(i);
    expect(first!.status).toBe(429);

    // 9 of 10: under the limit, still over the quorum queue's low-water mark (8): refused.
    await takeDownTo(9);
    const res = await post(100);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { type: string }).type).toBe('https://warren.dev/problems/queue-full');

    // At the mark the queue takes jobs again.
    await takeDownTo(8);
    expect((await post(101)).status).toBe(202);
    await drainQueue(QUEUE);
  });
});
