import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import { type AnyTask, defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor } from './execute-job';

/**
 * A copy of a job that cannot run here (its task unknown to this worker, as in a rolling deploy
 * that adds the task; its input refused by this worker's older schema) while another worker runs
 * the job: that run must not be ended by a failure nobody ran.
 */
describe('executor: a failure without a run beside a live run of the job', () => {
  const job = makeJob({ task: 'demo.slow', input: { n: 1 } });
  let release: () => void = () => {};
  const slow = defineTask({
    name: 'demo.slow',
    input: z.object({ n: z.number() }),
    handler: () => new Promise<string>((r) => (release = () => r('done'))),
  });
  const worker = (tasks: readonly AnyTask[], results: MemoryResultStore, id: string) =>
    createExecutor({ tasks: new Map(tasks.map((t) => [t.name, t])), results, workerId: id, resultTtlS: 60 });

  for (const [label, tasksB] of [
    ['unknown task', [] as AnyTask[]],
    [
      'input refused',
      [defineTask({ name: 'demo.slow', input: z.object({ n: z.string() }), handler: () => 'x' })],
    ],
  ] as const) {
    it(`${label}: the copy is skipped, the running job finishes as its run says`, async () => {
      const results = new MemoryResultStore();
      const a = worker([slow], results, 'a');
      const b = worker(tasksB, results, 'b');
      const running = a.execute(recordingDelivery(job).d);
      await new Promise((r) => setTimeout(r, 20)); // A has started the job
      expect((await results.get(job.id))?.state).toBe('running');

      const copy = recordingDelivery(job);
      expect(await b.execute(copy.d)).toBe('skipped');
      expect(copy.calls).toEqual([{ op: 'ack' }]); // not dead-lettered: the job is not failed
      expect((await results.get(job.id))?.state).toBe('running');

      release();
      expect(await running).toBe('succeeded');
      expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', result: 'done' });
    });
  }

  it('with no run beside it, the job is still failed and dead-lettered', async () => {
    const results = new MemoryResultStore();
    const alone = recordingDelivery(makeJob({ task: 'demo.none' }));
    expect(await worker([], results, 'b').execute(alone.d)).toBe('failed');
    expect(alone.calls.map((c) => c.op)).toEqual(['deadLetter']);
    expect(await results.get(alone.d.job.id)).toMatchObject({
      state: 'failed',
      error: { type: 'UnknownTask' },
    });
  });
});
