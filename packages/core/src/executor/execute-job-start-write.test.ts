import type { JobState } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import type { TransitionPatch } from '../ports/result-store';
import { defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor } from './execute-job';

/** A memory store that keeps every `running` write's patch. */
class StartsSeen extends MemoryResultStore {
  readonly starts: TransitionPatch[] = [];
  override transition(id: string, to: JobState, patch: TransitionPatch = {}) {
    if (to === 'running') this.starts.push({ ...patch });
    return super.transition(id, to, patch);
  }
}

const echo = defineTask({ name: 'demo.echo', input: z.object({ text: z.string() }), handler: (i) => i.text });

function setup() {
  const results = new StartsSeen();
  const ex = createExecutor({ tasks: new Map([[echo.name, echo]]), results, workerId: 'w', resultTtlS: 60 });
  return { ex, results };
}

describe("executor: a run's start write", () => {
  it('leaves the creation fields (the input) out when the record exists', async () => {
    const { ex, results } = setup();
    const job = makeJob({ task: 'demo.echo', input: { text: 'x'.repeat(10_000) } });
    await results.create(job.id, 'queued', {
      task: job.task,
      queue: job.queue,
      input: job.input,
      enqueuedAt: job.enqueuedAt,
      maxAttempts: job.maxAttempts,
      ttlS: 60,
    });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('succeeded');
    expect(results.starts).toHaveLength(1);
    expect(results.starts[0]).toMatchObject({ ifExists: true, attempts: 1 });
    expect(results.starts[0]).not.toHaveProperty('input');
    expect(results.starts[0]).not.toHaveProperty('task');
    expect(await results.get(job.id)).toMatchObject({ state: 'succeeded', input: job.input });
  });

  it('sends them after a `missing` refusal: a job published straight to the broker gets its whole record', async () => {
    const { ex, results } = setup();
    const job = makeJob({ task: 'demo.echo', input: { text: 'hi' }, queue: 'side', origin: 'eu' });
    expect(await ex.execute(recordingDelivery(job).d)).toBe('succeeded');
    expect(results.starts.map((p) => p.ifExists === true)).toEqual([true, false]);
    expect(results.starts[1]).toMatchObject({ input: job.input, task: 'demo.echo', queue: 'side' });
    expect(await results.get(job.id)).toMatchObject({
      state: 'succeeded',
      task: 'demo.echo',
      queue: 'side',
      region: 'eu',
      input: { text: 'hi' },
      enqueuedAt: job.enqueuedAt,
      result: 'hi',
    });
  });
});
