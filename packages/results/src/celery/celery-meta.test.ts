import { readFileSync } from 'node:fs';
import type { JobRecord } from '@warren/core';
import { describe, expect, it } from 'vitest';
import {
  buildCeleryMeta,
  type CeleryStatus,
  celeryStatusFor,
  mergeCeleryMeta,
  parseCeleryMeta,
} from './celery-meta';

/** Values Celery 5.2.6's Redis backend wrote (fixtures/capture.py). */
type Captured = Record<string, { key: string; raw: string; ttl: number }>;
const fixture = JSON.parse(readFileSync(new URL('./fixtures/metas.json', import.meta.url), 'utf8')) as {
  celery: string;
  default: Captured;
  extended: Captured;
};
const real = (set: Captured, label: string) => {
  const c = set[label];
  if (!c) throw new Error(`no fixture ${label}`);
  return { ...c, meta: JSON.parse(c.raw) as Record<string, unknown> };
};

const record = (over: Partial<JobRecord> = {}): JobRecord => ({
  id: '0c4a9c55-3a63-4f7a-9d43-2f6c1d7c0b11',
  task: 'py.mul',
  queue: 'python',
  state: 'queued',
  attempts: 1,
  input: { args: [6, 7] },
  enqueuedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const cases: [label: string, status: CeleryStatus, rec: Partial<JobRecord>, reason?: string][] = [
  ['success', 'SUCCESS', { result: 42 }],
  ['success-object', 'SUCCESS', { result: { x: [1, 2.5, 'é'] } }],
  [
    'failure',
    'FAILURE',
    { error: { type: 'ValueError', message: 'bad input: b must be > 0', retryable: false, stack: 'tb' } },
  ],
  ['revoked', 'REVOKED', {}, 'expired'],
  ['started', 'STARTED', {}],
];

describe('Celery result meta, compared with what Celery 5.2 writes', () => {
  it('was captured from Celery 5.2 with the 1-day default expiry', () => {
    expect(fixture.celery).toMatch(/^5\.2\./);
    expect(real(fixture.default, 'success').ttl).toBe(86_400);
    expect(real(fixture.default, 'success').key).toMatch(/^celery-task-meta-[0-9a-f-]{36}$/);
  });

  for (const [label, status, rec, reason] of cases) {
    it(`${status} (${label}): same fields in the same order, same result encoding`, () => {
      for (const [set, extended] of [
        [fixture.default, undefined],
        [fixture.extended, { worker: 'w1@host', args: [6, 7], kwargs: {} }],
      ] as const) {
        const want = real(set, label).meta;
        const got = buildCeleryMeta({
          id: want.task_id as string,
          status,
          record: record(rec),
          reason,
          extended,
        });
        expect(Object.keys(got)).toEqual(Object.keys(want));
        if (status !== 'STARTED') expect(got.result).toEqual(want.result);
        expect(got.children).toEqual(want.children);
        if (want.date_done === null) expect(got.date_done).toBeNull();
        else expect(got.date_done).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
        expect(String(want.date_done ?? '')).toMatch(/^$|^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
        if (extended)
          expect(got).toMatchObject({ name: 'py.mul', args: [6, 7], kwargs: {}, queue: 'python' });
      }
    });
  }

  it('maps JS-only error types to a module Python cannot import (Celery synthesizes the class)', () => {
    const got = buildCeleryMeta({
      id: 'x',
      status: 'FAILURE',
      record: record({ error: { type: 'RangeError', message: 'too big', retryable: false } }),
    });
    expect(got.result).toEqual({ exc_type: 'RangeError', exc_message: ['too big'], exc_module: 'warren' });
  });

  it('writes nothing for queued/scheduled, STARTED only with track_started', () => {
    expect(celeryStatusFor('queued')).toBeUndefined();
    expect(celeryStatusFor('scheduled')).toBeUndefined();
    expect(celeryStatusFor('running')).toBeUndefined();
    expect(celeryStatusFor('running', true)).toBe('STARTED');
    expect(celeryStatusFor('retrying')).toBe('RETRY');
    expect(celeryStatusFor('cancelled')).toBe('REVOKED');
  });
});

describe('merging what a Python worker wrote into the warren record', () => {
  const merged = (label: string) => {
    const meta = parseCeleryMeta(real(fixture.default, label).raw);
    if (!meta) throw new Error('unparsed');
    return mergeCeleryMeta(record(), meta);
  };

  it('SUCCESS → succeeded with the result and finishedAt', () => {
    expect(merged('success')).toMatchObject({ state: 'succeeded', result: 42 });
    expect(merged('success').finishedAt).toMatch(/Z$/);
  });
  it('FAILURE → failed with the exception type, message and traceback', () => {
    expect(merged('failure')).toMatchObject({
      state: 'failed',
      error: { type: 'ValueError', message: 'bad input: b must be > 0', retryable: false },
    });
    expect(merged('failure').error?.stack).toContain('Traceback');
  });
  it('RETRY → retrying, STARTED → running, REVOKED(expired) → expired', () => {
    expect(merged('retry')).toMatchObject({
      state: 'retrying',
      error: { type: 'BoomError', message: 'try again, 42' },
    });
    expect(merged('started').state).toBe('running');
    expect(merged('revoked').state).toBe('expired');
  });
  it('ignores values that are not Celery metas', () => {
    expect(parseCeleryMeta('not json')).toBeUndefined();
    expect(parseCeleryMeta('{"a":1}')).toBeUndefined();
    expect(parseCeleryMeta(null)).toBeUndefined();
  });
});
