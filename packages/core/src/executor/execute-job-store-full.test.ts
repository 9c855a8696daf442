import type { JobState } from '@warren/protocol';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import type { TransitionOutcome, TransitionPatch } from '../ports/result-store';
import { StoreFullError } from '../ports/store-full-error';
import { defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor } from './execute-job';

/**
 * A store that refuses for memory every write carrying an input, whatever its size: as Redis
 * refuses a small job's start batched with a large job's (their arguments counted together).
 */
class RefusesInputs extends MemoryResultStore {
  override transition(id: string, to: JobState, patch?: TransitionPatch): Promise<TransitionOutcome> {
    if (patch?.input !== undefined)
      return Promise.reject(new StoreFullError('result store transition failed: OOM'));
    return super.transition(id, to, patch);
  }
}

const task = defineTask({ name: 't', input: z.unknown(), handler: () => 'ok' });

/** Delivers `input`'s job (its record missing) `times` times; the outcomes and the record. */
async function deliver(input: unknown, times: number) {
  const results = new RefusesInputs();
  const ex = createExecutor({ tasks: new Map([['t', task]]), results, workerId: 'w', resultTtlS: 60 });
  const job = makeJob({ task: 't', input });
  const outcomes: string[] = [];
  for (let i = 0; i < times; i++) {
    const { d } = recordingDelivery(job);
    outcomes.push(await ex.execute(d).then(String, (e: Error) => e.name));
  }
  return { outcomes, rec: await results.get(job.id) };
}

it('a large input refused for memory at 3 deliveries is left out of the record and the job runs', async () => {
  const { outcomes, rec } = await deliver({ blob: 'x'.repeat(40_000) }, 3);
  expect(outcomes).toEqual(['StoreFullError', 'StoreFullError', 'succeeded']);
  expect(rec).toMatchObject({ state: 'succeeded', result: 'ok' });
  expect(rec?.input).toBeUndefined();
});

it('a small input refused for memory is never left out: handed back (thrown) each time', async () => {
  const { outcomes, rec } = await deliver({ n: 1 }, 5);
  expect(outcomes).toEqual(Array(5).fill('StoreFullError'));
  expect(rec).toBeUndefined();
});
