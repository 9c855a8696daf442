import { expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor } from './execute-job';

/** A store whose run-start write is applied, then answered `delayMs` late (a slow Redis). */
class SlowStartStore extends MemoryResultStore {
  constructor(private readonly delayMs: number) {
    super();
  }
  override async transition(...args: Parameters<MemoryResultStore['transition']>) {
    const out = await super.transition(...args);
    if (args[1] === 'running' && !args[2]?.renew) await new Promise((r) => setTimeout(r, this.delayMs));
    return out;
  }
}

it('under a deadline, a run whose start was slow is cut to what is left, not given its whole timeout after it', async () => {
  let abortedAt: number | undefined;
  const hang = defineTask({
    name: 'hang',
    input: z.unknown(),
    timeoutMs: 60_000,
    handler: (_input, ctx) =>
      new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => {
          abortedAt = Date.now();
          reject(ctx.signal.reason);
        }),
      ),
  });
  const results = new SlowStartStore(1500);
  const ex = createExecutor({
    tasks: new Map([[hang.name, hang]]),
    results,
    workerId: 'test',
    resultTtlS: 60,
  });
  // Before the start, the run is given the deadline less 1 s (2 s); the start then takes 1.5 s.
  const job = makeJob({ task: 'hang', maxAttempts: 2 });
  // Recorded by its producer, as nearly every job is: the start is one write.
  await results.create(job.id, 'queued', { task: job.task, enqueuedAt: job.enqueuedAt, ttlS: 60 });
  const { d, calls } = recordingDelivery(job);
  const deadlineMs = Date.now() + 3000;
  expect(await ex.execute(d, { deadlineMs })).toBe('retried');
  expect(calls.map((c) => c.op)).toEqual(['retry']);
  expect(abortedAt).toBeDefined();
  expect(abortedAt!).toBeLessThanOrEqual(deadlineMs);
});
