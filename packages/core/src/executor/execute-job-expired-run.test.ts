import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask } from '../task/define-task';
import { DeferError } from '../task/task-errors';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor, type ExecutionEvent } from './execute-job';

/**
 * A run whose next try would come due past expiresAt ends `expired`: the event says why (the
 * run's error, as `retried`/`failed` do) and how long it ran, so the log line, the span and the
 * job-duration histogram have them. A job expired before it started ran nothing: neither.
 */
function setup(handler: () => unknown) {
  const events: ExecutionEvent[] = [];
  const task = defineTask({ name: 'exp', input: z.unknown(), handler });
  const ex = createExecutor({
    tasks: new Map([[task.name, task]]),
    results: new MemoryResultStore(),
    workerId: 'test',
    resultTtlS: 60,
    onEvent: (e) => events.push(e),
    random: () => 0.5,
  });
  return { ex, events };
}

const soon = () => new Date(Date.now() + 60_000).toISOString();
const backoff = { kind: 'fixed', baseMs: 3_600_000, maxMs: 3_600_000, jitter: false } as const;

describe('an expired run', () => {
  it('carries the error it threw and its duration', async () => {
    const { ex, events } = setup(() => {
      throw new Error('upstream down');
    });
    const job = makeJob({ task: 'exp', maxAttempts: 3, expiresAt: soon(), backoff });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('expired');
    const e = events.find((x) => x.type === 'expired')!;
    expect(e.error).toMatchObject({ message: 'upstream down', retryable: true });
    expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('that deferred carries its duration, no error (a deferral is not a failure)', async () => {
    const { ex, events } = setup(() => {
      throw new DeferError('later', 3_600_000);
    });
    const job = makeJob({ task: 'exp', maxAttempts: 3, expiresAt: soon() });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('expired');
    const e = events.find((x) => x.type === 'expired')!;
    expect(e.error).toBeUndefined();
    expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a job expired before it started has neither: nothing ran', async () => {
    const { ex, events } = setup(() => 1);
    const job = makeJob({ task: 'exp', expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('expired');
    const e = events.find((x) => x.type === 'expired')!;
    expect(e.error).toBeUndefined();
    expect(e.durationMs).toBeUndefined();
  });
});
