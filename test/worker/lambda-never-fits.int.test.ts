import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createLambdaRecordMapper, createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import { createWorker } from '@warren/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { amqpRmqSink } from '../../stacks/functions/rmq-worker';
import { freePort } from '../support/ports';
import { amqpQueue } from './support/amqp-queue';
import { takeAsRmqEvent } from './support/rmq-event-source';
import { pollOnce } from './support/sqs-event-source';

const RUN = `wfit-${uuidv7().slice(-8)}`;
const Q = `${RUN}.jobs`;
const amqp = amqpQueue(Q);
let sqs: LocalSqs;
const results = createRedisResultStore({ redis: 'redis://127.0.0.1:6379', prefix: `${RUN}:` });

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
});
afterAll(async () => {
  await results.close();
  await sqs?.close();
});

const quick = defineTask({
  name: 'fit.quick',
  queue: Q,
  input: z.unknown(),
  timeoutMs: 500,
  handler: () => 'ok',
});
// A 60 s timeout on a 30 s function: it never gets its whole timeout, but most runs take far
// less, so it runs with what the invocation has (the gate's floor), neither deferred nor refused.
const long = defineTask({
  name: 'fit.long',
  queue: Q,
  input: z.unknown(),
  timeoutMs: 60_000,
  handler: () => 'ok',
});
const config = defineConfig({ tasks: [quick, long] });
// A 1 s function (Lambda's least): less than the 1.5 s the handlers keep for settling.
const ONE_SECOND = 1000;

describe('Lambda handlers: a record no invocation of this function could start goes to the DLQ', () => {
  it('sqs: failed with the reason (task timeout, function time), not handed back on every invocation', async () => {
    const dlq = await sqs.createQueue(`${RUN}-dlq`);
    const q = await sqs.createQueue(`${RUN}-q`, { deadLetterArn: dlq.arn, maxReceiveCount: 5 });
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [Q]: q.url } });
    const job = makeJob({ task: quick.name, queue: Q, input: {} });
    await pub.publish(Q, job);
    const worker = createWorker({ config, results, sqs: createLambdaRecordMapper({ client: sqs.client }) });
    const r = await pollOnce(sqs, q, worker.sqsHandler, { remainingMs: ONE_SECOND });
    expect(r!.response.batchItemFailures).toEqual([]);
    const rec = await results.get(job.id);
    expect(rec?.state).toBe('failed');
    expect(rec?.error?.type).toBe('FunctionTimeoutTooShort');
    expect(rec?.error?.message).toMatch(/fit\.quick.*500 ms.*1(\.0)? s/);
    const dead = await sqs.receive(dlq.url, 1);
    expect(dead.map((m) => (JSON.parse(m.Body!) as { id: string }).id)).toEqual([job.id]);
    expect(dead[0]!.MessageAttributes?.['warren-reason']?.StringValue).toMatch(/FunctionTimeoutTooShort/);
    expect(await sqs.receive(q.url, 0)).toEqual([]);

    // The 60 s task on a 30 s function runs (guard: not deferred, not refused).
    const other = makeJob({ task: long.name, queue: Q, input: {} });
    await pub.publish(Q, other);
    const r2 = await pollOnce(sqs, q, worker.sqsHandler, { remainingMs: 30_000 });
    expect(r2!.response.batchItemFailures).toEqual([]);
    expect((await results.get(other.id))?.state).toBe('succeeded');
    await pub.close();
  }, 30_000);

  it('rmq: failed into <queue>.dlq with the reason, not sent back to its queue on every invocation', async () => {
    const job = makeJob({ task: quick.name, queue: Q, input: {} });
    await amqp.broker.publisher.publish(Q, job);
    const worker = createWorker({
      config,
      results,
      publisher: amqp.broker.publisher,
      rmq: amqpRmqSink(amqp.broker),
    });
    const event = await eventually(() => takeAsRmqEvent(amqp.ch, Q));
    const until = Date.now() + ONE_SECOND;
    await worker.rmqHandler(event, { getRemainingTimeInMillis: () => until - Date.now() });
    const rec = await results.get(job.id);
    expect(rec?.state).toBe('failed');
    expect(rec?.error?.type).toBe('FunctionTimeoutTooShort');
    const dead = await eventually(async () => {
      const d = await amqp.broker.peekDeadLetters(Q);
      return d.length ? d : undefined;
    });
    expect(dead.map((d) => d.body)).toEqual([JSON.stringify(job)]);
    expect(dead[0]!.reason).toMatch(/FunctionTimeoutTooShort.*fit\.quick/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await amqp.ch.get(Q, { noAck: true })).toBe(false); // not sent back
  }, 30_000);
});
