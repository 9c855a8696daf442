import { createAmqpBroker } from '@warren/amqp';
import { type JobEnvelope, uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import type { RmqEvent } from '@warren/worker';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AMQP,
  bundleRunner,
  type Invocation,
  REDIS,
  SQS_ENV,
  STORE_WITH_PASSWORD,
  TRACE_ID,
  TRACEPARENT,
} from './support/invoke-bundle';
import { takeAsRmqEvent } from './support/rmq-event-source';
import { pollOnce } from './support/sqs-event-source';

// The Lambda workers logged no job and sent infrastructure failures to console.error raw
// (credentials and all); `warren worker` writes pino JSON lines with job bindings, trace id and
// redaction. Each case runs the bundled entry (as deployed) in a fresh Node process on a
// real-shaped event and reads what it printed: what CloudWatch ingests.

const PORT = 26640;
const RUN = `wll-${uuidv7().slice(-8)}`;
const { invoke, close } = bundleRunner(RUN);
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
let sqs: LocalSqs;

const queues: string[] = [];

/** Publishes `job` to its queue (declared here) and takes it off as Lambda's Amazon MQ trigger hands it over. */
async function rmqEventWith(job: JobEnvelope): Promise<RmqEvent> {
  queues.push(job.queue);
  const broker = createAmqpBroker({ urls: [AMQP] });
  await broker.connect();
  const conn = await amqplib.connect(AMQP);
  try {
    await broker.ensureQueue(job.queue);
    await broker.publisher.publish(job.queue, job);
    const event = await takeAsRmqEvent(await conn.createChannel(), job.queue);
    if (!event) throw new Error(`nothing to take from ${job.queue}`);
    return event;
  } finally {
    await conn.close();
    await broker.close();
  }
}

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  const conn = await amqplib.connect(AMQP);
  const ch = await conn.createChannel();
  for (const q of queues.flatMap((q) => [q, `${q}.dlq`])) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
  await results.close();
  await sqs?.close();
  await close();
});

describe('Lambda worker bundles log JSON lines with job bindings and redaction', () => {
  it('sqs-worker: each job its started/outcome lines with jobId, task, queue, attempt and the traceparent trace id', async () => {
    const q = await sqs.createQueue(`${RUN}-q`);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { default: q.url } });
    const ok = makeJob({ task: 'demo.add', input: { a: 1, b: 2 }, traceparent: TRACEPARENT });
    const fail = makeJob({ task: 'demo.fail', input: {}, maxAttempts: 3 });
    await pub.publish('default', ok);
    await pub.publish('default', fail);
    let run: Invocation | undefined;
    await pollOnce(sqs, q, async (event) => {
      run = await invoke('sqs-worker', [event], {
        ...SQS_ENV,
        REDIS_URL: REDIS,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      });
      return run.out.ok as never;
    });
    await pub.close();
    expect(run?.out).toHaveProperty('ok');
    const of = (id: string) => run!.lines.filter((l) => l.jobId === id);
    expect(of(ok.id).map((l) => l.msg)).toEqual(['job started', 'job succeeded']);
    for (const l of of(ok.id))
      expect(l).toMatchObject({
        task: 'demo.add',
        queue: 'default',
        attempt: 1,
        traceId: TRACE_ID,
        level: 'info',
      });
    expect(of(fail.id).map((l) => l.msg)).toEqual(['job started', 'job attempt failed; retrying']);
    expect(of(fail.id)[1]).toMatchObject({ task: 'demo.fail', attempt: 1, level: 'warn' });
    expect(run!.lines.every((l) => l.name === 'warren-sqs-worker')).toBe(true);
  }, 120_000);

  it('sqs-worker: an infrastructure failure is one error line naming the record, the store secret never printed', async () => {
    const q = await sqs.createQueue(`${RUN}-infra`);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { default: q.url } });
    const job = makeJob({ task: 'demo.add', input: { a: 1, b: 2 } });
    await pub.publish('default', job);
    let run: Invocation | undefined;
    const r = await pollOnce(sqs, q, async (event) => {
      run = await invoke('sqs-worker', [event], {
        ...SQS_ENV,
        ...STORE_WITH_PASSWORD,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      });
      return run.out.ok as never;
    });
    await pub.close();
    const errors = run!.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      messageId: r!.event.Records[0]!.messageId,
      jobId: job.id,
      task: 'demo.add',
      attempt: 1, // as the job's own lines count it: the envelope's attempt and SQS's receive count
      // The class's own name, as `warren worker` logs it (a minified bundle named it 'Q').
      err: { type: 'TransportError' },
    });
    expect(run!.text).not.toContain('s3cret-pw');
  }, 120_000);

  it('rmq-worker: job lines with jobId, task, queue, attempt and trace id, on a real Amazon MQ-shaped event', async () => {
    const queue = `${RUN}.rmq`;
    const ok = makeJob({ task: 'demo.add', queue, input: { a: 2, b: 3 }, traceparent: TRACEPARENT });
    const run = await invoke('rmq-worker', [await rmqEventWith(ok)], {
      REDIS_URL: REDIS,
      RABBITMQ_URL: AMQP,
    });
    expect(run.out).toEqual({ ok: null });
    const lines = run.lines.filter((l) => l.jobId === ok.id);
    expect(lines.map((l) => l.msg)).toEqual(['job started', 'job succeeded']);
    for (const l of lines)
      expect(l).toMatchObject({ task: 'demo.add', queue, attempt: 1, traceId: TRACE_ID });
    expect((await results.get(ok.id))?.result).toBe(5);
  }, 120_000);

  it('rmq-worker: an infrastructure failure is an error line naming the message, the store secret in neither the lines nor what the invocation throws', async () => {
    const queue = `${RUN}.rmq-infra`;
    const job = makeJob({ task: 'demo.add', queue, input: { a: 2, b: 3 } });
    const run = await invoke('rmq-worker', [await rmqEventWith(job)], {
      ...STORE_WITH_PASSWORD,
      RABBITMQ_URL: AMQP,
    });
    const errors = run.lines.filter((l) => l.level === 'error' && l.messageId === job.id);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ queue, task: 'demo.add', err: { type: 'TransportError' } });
    // What the Lambda runtime prints for a failed invocation (errorMessage) is the thrown error.
    expect(run.out.error ?? '').not.toContain('s3cret-pw');
    expect(run.text).not.toContain('s3cret-pw');
  }, 120_000);
});
