import { defineConfig, defineTask } from '@warren/core';
import { ForwardLink } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type LocalSqsFront, startLocalSqsFront } from '../forwarder/local-sqs';
import { until } from '../forwarder/support';
import { AMQP_URL, drainQueue, startNodeIngest } from './support';

/**
 * A job for a queue consumed from SQS must fit an SQS message (256 KiB) once the forwarder has
 * added its hop and attributes. The ingest took any body up to its 256 KiB limit, and the envelope
 * is larger than the request: a 262,144-byte request was 202 Accepted, then the forwarder
 * dead-lettered it at the source ("oversize for SQS: 262658 bytes") and its record said `queued`
 * for good. Node ingest over real RabbitMQ (:5672) and Redis (:6379), forwarder to local-aws-sqs.
 */
const RUN = `h53sz${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-sqs`;
const PLAIN = `${RUN}-plain`;
const config = defineConfig({
  queues: { [QUEUE]: { sqs: true }, [PLAIN]: {} },
  tasks: [
    defineTask({ name: 'sz.big', queue: QUEUE, input: z.unknown(), handler: () => 1 }),
    defineTask({ name: 'sz.plain', queue: PLAIN, input: z.unknown(), handler: () => 1 }),
  ],
});

/** A POST /v1/jobs body of exactly `bytes` bytes. */
function bodyOf(task: string, bytes: number): string {
  const head = `{"task":"${task}","input":{"s":"`;
  const tail = '"}}';
  return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
}

describe('job size on a queue consumed from SQS', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let sqs: LocalSqsFront;

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    sqs = await startLocalSqsFront(26955);
  }, 60_000);
  afterAll(async () => {
    await sqs?.close();
    await ingest?.close();
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    for (const q of [PLAIN, `${PLAIN}.dlq`]) await ch.deleteQueue(q).catch(() => {});
    await conn.close();
  });

  const post = (body: string, path = '/v1/jobs') =>
    fetch(`${ingest.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('a job that cannot fit an SQS message is a 413 naming its size, not accepted and lost', async () => {
    const res = await post(bodyOf('sz.big', 262_144));
    expect(res.status).toBe(413);
    const problem = (await res.json()) as { errors?: { path: string; message: string }[] };
    expect(problem.errors?.[0]?.path).toBe('input');
    expect(problem.errors?.[0]?.message).toMatch(/SQS/);
    const batch = await post(`{"jobs":[${bodyOf('sz.big', 262_144)}]}`, '/v1/jobs/batch');
    const items = (await batch.json()) as {
      results: { status: number; problem?: { errors?: { path: string }[] } }[];
    };
    expect(items.results[0]!.status).toBe(413);
    expect(items.results[0]!.problem?.errors?.[0]?.path).toBe('jobs.0.input');
    expect(await drainQueue(QUEUE)).toEqual([]);
    // A queue not bridged into SQS keeps the ingest's own limit.
    expect((await post(bodyOf('sz.plain', 262_144))).status).toBe(202);
  });

  it('the largest job accepted for such a queue is forwarded into SQS', async () => {
    let bytes = 262_144;
    let res = await post(bodyOf('sz.big', bytes));
    while (res.status === 413 && bytes > 250_000) {
      bytes -= 64;
      res = await post(bodyOf('sz.big', bytes));
    }
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const url = await sqs.createQueue(QUEUE);
    const link = new ForwardLink({
      name: `${QUEUE}:local->sqs`,
      source: { urls: ['amqp://guest:guest@127.0.0.1:5672'], queue: QUEUE, region: 'local' },
      destination: { kind: 'sqs', queueUrl: url, endpoint: sqs.endpoint, region: 'local' },
    });
    link.start();
    try {
      await until(() => link.status().forwarded + link.status().deadLettered >= 1, 20_000, 'settled');
      expect(link.status()).toMatchObject({ forwarded: 1, deadLettered: 0 });
      const [m] = await sqs.receiveAll(url, 1, 10_000);
      expect(JSON.parse(m!.Body!).id).toBe(id);
    } finally {
      await link.stop(1000);
    }
  });
});
