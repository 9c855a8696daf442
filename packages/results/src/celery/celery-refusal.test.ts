import type { ResultStore } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { celeryRefusalSink, refusalMeta } from './celery-refusal';
import { withCeleryResults } from './celery-results';

describe('refusalMeta', () => {
  it('is a FAILURE with the reason as the exception (a class Python makes), naming the DLQ', () => {
    const now = new Date('2026-12-06T05:00:00.123Z');
    const meta = refusalMeta(
      { taskId: 'order-123', task: 'demo.add', queue: 'celery', reason: 'id: bad' },
      now,
    );
    expect(meta).toEqual({
      status: 'FAILURE',
      result: {
        exc_type: 'MessageRefused',
        exc_message: ['id: bad (moved to celery.dlq)'],
        exc_module: 'warren',
      },
      traceback: null,
      children: [],
      date_done: '2026-12-06T05:00:00.123000',
      task_id: 'order-123',
    });
  });

  it("is written under another id of the refused message (a chain's next step) naming the message's", () => {
    const r = { taskId: 'first', queue: 'celery', reason: 'canvas', alsoTaskIds: ['last'] };
    const meta = refusalMeta(r, new Date(), 'last');
    expect(meta).toMatchObject({ status: 'FAILURE', task_id: 'last' });
    expect(meta.result).toMatchObject({
      exc_type: 'MessageRefused',
      exc_message: ['canvas (moved to celery.dlq) (not run: refused with task first)'],
    });
  });
});

describe('celeryRefusalSink', () => {
  it('is undefined for a store without Celery metas, and reports a failed write instead of rejecting', async () => {
    expect(celeryRefusalSink({} as ResultStore)).toBeUndefined();
    const errors: unknown[] = [];
    const store = { refused: () => Promise.reject(new Error('redis down')) } as unknown as ResultStore;
    const sink = celeryRefusalSink(store, (err) => errors.push(err));
    await expect(sink?.({ taskId: 'x', reason: 'r' })).resolves.toBeUndefined();
    expect(errors).toEqual([new Error('redis down')]);
  });
});

describe('withCeleryResults().refused', () => {
  it("writes the other ids' FAILURE before the message's own (a chain's get() raises on its first task's)", async () => {
    const keys: string[] = [];
    const redis = { storeMeta: async (k: string) => void keys.push(k), getMeta: async () => null };
    const store = withCeleryResults({} as ResultStore, { redis, isCeleryQueue: () => true });
    await store.refused({ taskId: 'first', reason: 'canvas', alsoTaskIds: ['last', 'mid', 'first'] });
    expect(keys).toEqual(['celery-task-meta-last', 'celery-task-meta-mid', 'celery-task-meta-first']);
  });
});
