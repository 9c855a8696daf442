import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor } from './execute-job';

describe('executor: a run whose lease is gone', () => {
  // The worker's lease lapsed (an event-loop stall) and the job moved on without it (another run
  // took it over and scheduled its retry): the old run keeps going, and its progress writes used
  // to read as a start, putting the job back in running under the old run's fresh lease.
  it('does not bring a job another run moved to retrying back to running with its progress', async () => {
    const results = new MemoryResultStore();
    const error = { type: 'Error', message: 'flaky', retryable: true };
    const job = makeJob({ task: 't' });
    let progressed = false;
    const task = defineTask({
      name: 't',
      input: z.unknown(),
      handler: async (_i, ctx) => {
        // Meanwhile, elsewhere: the job was taken over and failed into its retry.
        await results.transition(job.id, 'retrying', { error, ttlS: 60 });
        await ctx.progress({ pct: 50 });
        progressed = true;
        return 'late';
      },
    });
    const ex = createExecutor({ tasks: new Map([['t', task]]), results, workerId: 'w', resultTtlS: 60 });
    const { d, calls } = recordingDelivery(job);
    expect(await ex.execute(d)).toBe('skipped');
    expect(progressed).toBe(true);
    expect(calls).toEqual([{ op: 'ack' }]);
    expect(await results.get(job.id)).toMatchObject({ state: 'retrying', error, attempts: 1 });
    expect((await results.get(job.id))?.progress).toBeUndefined();
  });
});
