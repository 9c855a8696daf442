import { type JobEnvelope, TransportError } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { captureLines } from './capture-lines';
import { createLogger } from './create-logger';
import { logExecutorEvents, logProducerEvents } from './job-logs';

const job = {
  v: 1,
  id: '0192aaaa-bbbb-7ccc-8ddd-000000000001',
  task: 'email.send',
  queue: 'emails',
  input: { to: 'a@b.c', password: 'in-the-input' },
  attempt: 1,
  maxAttempts: 3,
  backoff: { kind: 'exponential', baseMs: 1000, maxMs: 60_000, jitter: true },
  enqueuedAt: '2026-12-04T00:00:00.000Z',
  origin: 'eu',
  hops: [],
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
} as JobEnvelope;

describe('job log lines', () => {
  it('carry the job bindings as fields, never the input, and scrub URL credentials in errors', async () => {
    const { lines, stream } = captureLines();
    const log = createLogger({ stream, name: 'worker' });
    const onExec = logExecutorEvents(log);
    onExec({ type: 'started', job, attempt: 1 });
    onExec({
      type: 'retried',
      job,
      attempt: 1,
      durationMs: 12.4,
      delayMs: 1000,
      error: {
        type: 'Error',
        message: 'connect to redis://default:s3cret@cache:6379 failed',
        retryable: true,
        stack: 'Error: …',
      },
    });
    onExec({ type: 'started', job, attempt: 2 });
    onExec({ type: 'succeeded', job, attempt: 2, durationMs: 3.6 });
    logProducerEvents(log)({ type: 'enqueued', job, region: 'eu' });
    await new Promise((r) => setImmediate(r));

    expect(lines.map((l) => `${l.msg}#${l.attempt ?? '-'}`)).toEqual([
      'job started#1',
      'job attempt failed; retrying#1',
      'job started#2',
      'job succeeded#2',
      'job enqueued#-',
    ]);
    for (const l of lines) {
      expect(l).toMatchObject({
        name: 'worker',
        jobId: job.id,
        task: 'email.send',
        queue: 'emails',
        region: 'eu',
        traceId: '0af7651916cd43dd8448eb211c80319c',
      });
    }
    expect(lines[1]).toMatchObject({
      level: 'warn',
      durationMs: 12,
      delayMs: 1000,
      error: { type: 'Error', retryable: true, stack: 'Error: …' },
    });
    expect(lines[3]).toMatchObject({ level: 'info', durationMs: 4 });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('s3cret');
    expect(text).toContain('redis://default:[Redacted]@cache:6379');
    expect(text).not.toContain('in-the-input');
  });

  it('still redacts the caller-supplied error of a failed publish', async () => {
    const { lines, stream } = captureLines();
    const log = createLogger({ stream });
    const err = new Error('nack from amqp://warren:hunter2@broker-1:5672');
    logProducerEvents(log)({ type: 'publish', job, region: 'eu', ok: false, latencyMs: 5000.4, error: err });
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({
      level: 'warn',
      jobId: job.id,
      latencyMs: 5000,
      error: { type: 'Error' },
    });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('a refused publish (not recoverable) does not say another region is tried', async () => {
    const { lines, stream } = captureLines();
    const onEvent = logProducerEvents(createLogger({ stream, name: 'ingest' }));
    const publish = { type: 'publish', job, region: 'eu', ok: false, latencyMs: 4 } as const;
    onEvent({ ...publish, error: new TransportError('queue emails exists with other arguments', false) });
    onEvent({ ...publish, error: new TransportError('connection closed', true) });
    await new Promise((r) => setImmediate(r));
    // Before: both said 'publish not confirmed; trying the next region', and the first is the answer.
    expect(lines.map((l) => l.msg)).toEqual([
      'publish refused; not tried in another region (it would be refused the same way)',
      'publish not confirmed; trying the next region, if any',
    ]);
  });

  it('ends spans whose job never reported an outcome (result store down), keeping the open set bounded', async () => {
    const { stream } = captureLines();
    const onExec = logExecutorEvents(createLogger({ stream, name: 'worker' }), { maxOpenSpans: 3 });
    for (let i = 0; i < 10; i++)
      onExec({ type: 'started', job: { ...job, id: `${job.id.slice(0, -2)}${10 + i}` }, attempt: 1 });
    expect(onExec.openSpans()).toBe(3);
    onExec({ type: 'succeeded', job: { ...job, id: `${job.id.slice(0, -2)}19` }, attempt: 1 });
    expect(onExec.openSpans()).toBe(2);
  });
});
