import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createDirectClient } from '@warren/sdk/direct';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A queue with messageTtlMs and no worker taking its jobs in time, on the Node ingest over real
 * RabbitMQ and Redis: RabbitMQ dead-letters the job to <queue>.dlq without telling anyone.
 */
const RUN = `h75ttl${FILE_ID}`;
const QUEUE = `${RUN}-q`;
const KEY = 'queue-ttl-key-0123456789abcdef';
const config = defineConfig({
  queues: { [QUEUE]: { messageTtlMs: 300 } },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'ttl.idle', queue: QUEUE, input: z.unknown() })],
});
let ingest: Awaited<ReturnType<typeof startNodeIngest>>;

beforeAll(async () => {
  ingest = await startNodeIngest(config, RUN, QUEUE);
});
afterAll(async () => {
  await ingest?.close();
});

const dlqDepth = async () => {
  const conn = await amqp.connect(AMQP_URL);
  try {
    return (await (await conn.createChannel()).checkQueue(`${QUEUE}.dlq`)).messageCount;
  } finally {
    await conn.close();
  }
};

it('the job the broker expired is recorded expired: a long-poll ends then, not at its timeout', async () => {
  const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const posted = await fetch(`${ingest.url}/v1/jobs`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ task: 'ttl.idle', input: 1 }),
  });
  expect(posted.status).toBe(202);
  const { id } = (await posted.json()) as { id: string };
  // Before: the record stayed 'queued' (no expiresAt) and the long-poll waited its 10 s out.
  const started = Date.now();
  const got = await fetch(`${ingest.url}/v1/jobs/${id}?wait=10s`, { headers: auth });
  const rec = (await got.json()) as { state: string; expiresAt?: string };
  expect(rec.state).toBe('expired');
  expect(Date.now() - started).toBeLessThan(8000);
  expect(Date.parse(rec.expiresAt!)).toBeGreaterThan(0);
  // The broker's side: the message went to the DLQ (RabbitMQ's x-message-ttl).
  for (let i = 0; i < 50 && (await dlqDepth()) < 1; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await dlqDepth()).toBe(1);

  // The direct client's read agrees (a second job, read after its deadline).
  const direct = createDirectClient({ config, publishers: ingest.publishers, results: ingest.results });
  const job = await direct.enqueue('ttl.idle', 2);
  await new Promise((r) => setTimeout(r, 500));
  expect((await direct.get(job.id)).state).toBe('expired');
});
