import { describe, expect, it } from 'vitest';
import { enqueueRequestSchema, MAX_DELAY_MS, parseEnqueueRequest } from './enqueue';
import { NESTED_TOO_DEEPLY, parseEnvelope } from './envelope';
import { QueueFullError, TransportError, ValidationError } from './errors';
import { MAX_MESSAGE_DEPTH } from './json-depth';
import { fieldErrors } from './problem';
import { canTransition } from './states';
import { TEST_ENVELOPE } from './test-envelope';

const envelope = TEST_ENVELOPE;

describe('protocol', () => {
  it('parses a valid envelope and names the fields of an invalid one', () => {
    expect(parseEnvelope(JSON.stringify(envelope))).toMatchObject({ ok: true, job: { id: envelope.id } });
    const bad = parseEnvelope(JSON.stringify({ ...envelope, task: 'bad name!', attempt: 0 }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/task: .*attempt: /s);
    expect(parseEnvelope(new TextEncoder().encode('{'))).toMatchObject({ ok: false, reason: /not JSON/ });
  });

  it('refuses a message nested deeper than MAX_MESSAGE_DEPTH (its record could not be written)', () => {
    const nested = (n: number) =>
      JSON.stringify({ ...envelope, input: 0 }).replace(
        '"input":0',
        `"input":${'['.repeat(n)}${']'.repeat(n)}`,
      );
    expect(parseEnvelope(nested(MAX_MESSAGE_DEPTH - 1)).ok).toBe(true); // the envelope is one level
    expect(parseEnvelope(nested(MAX_MESSAGE_DEPTH))).toEqual({ ok: false, reason: NESTED_TOO_DEEPLY });
    // Brackets inside strings are text, not nesting.
    expect(parseEnvelope(JSON.stringify({ ...envelope, input: '['.repeat(5000) })).ok).toBe(true);
  });

  it('a traceparent that is not one is dropped, not the job: trace context never makes a job poison', () => {
    for (const traceparent of ['garbage', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01', 42]) {
      const r = parseEnvelope(JSON.stringify({ ...envelope, traceparent }));
      expect(r).toMatchObject({ ok: true, job: { id: envelope.id } });
      expect(r.ok && r.job.traceparent).toBeUndefined();
    }
    // A newer version's value is read by its four known fields, as the ingest reads it.
    const newer = `01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra`;
    const r = parseEnvelope(JSON.stringify({ ...envelope, traceparent: newer }));
    expect(r.ok && r.job.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('refuses an idempotency key with a lone surrogate (stored as U+FFFD, two keys would be one)', () => {
    for (const idempotencyKey of ['order-\ud800', 'order-\udc00x']) {
      expect(() => parseEnqueueRequest({ task: 'a', idempotencyKey })).toThrow(
        expect.objectContaining({
          status: 400,
          errors: [expect.objectContaining({ path: 'idempotencyKey' })],
        }),
      );
    }
    // A pair is a character: accepted.
    expect(parseEnqueueRequest({ task: 'a', idempotencyKey: 'order-😀' }).idempotencyKey).toBe('order-😀');
  });

  it('names each unknown field and each invalid field of an enqueue request', () => {
    const r = enqueueRequestSchema.safeParse({ task: 'a', delayMs: -1, colour: 'red', size: 2 });
    expect(r.success).toBe(false);
    if (!r.success) {
      const paths = fieldErrors(r.error.issues).map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['delayMs', 'colour', 'size']));
    }
  });

  it('bounds how far ahead a job may run or expire, so its dates stay valid', () => {
    const paths = (body: object) => {
      const r = enqueueRequestSchema.safeParse({ task: 'a', ...body });
      return r.success ? [] : fieldErrors(r.error.issues).map((e) => e.path);
    };
    expect(paths({ expiresInMs: 9e15 })).toEqual(['expiresInMs']);
    expect(paths({ expiresInMs: Number.MAX_SAFE_INTEGER })).toEqual(['expiresInMs']);
    expect(paths({ expiresInMs: MAX_DELAY_MS })).toEqual([]);
    expect(paths({ runAt: '9999-12-31T00:00:00Z' })).toEqual(['runAt']);
    expect(paths({ runAt: new Date(Date.now() + 86_400_000).toISOString() })).toEqual([]);
    expect(paths({ runAt: '2001-01-01T00:00:00Z' })).toEqual([]); // the past: run now
  });

  it('renders errors as problem+json with their status', () => {
    const p = new ValidationError('bad', [{ path: 'task', message: 'required' }]).toProblem('/v1/jobs');
    expect(p).toMatchObject({ status: 400, instance: '/v1/jobs', errors: [{ path: 'task' }] });
    const full = new QueueFullError('q');
    expect(full).toBeInstanceOf(TransportError);
    expect(full.status).toBe(429);
    expect(full.recoverable).toBe(false);
    expect(full.retryAfterS).toBeGreaterThan(0);
  });

  it('allows only the documented state moves', () => {
    expect(canTransition(undefined, 'queued')).toBe(true);
    expect(canTransition('queued', 'succeeded')).toBe(false);
    expect(canTransition('succeeded', 'running')).toBe(false);
    expect(canTransition('retrying', 'running')).toBe(true);
  });
});
