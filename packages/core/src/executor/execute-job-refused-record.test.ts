import { type JobState, TransportError } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryResultStore } from '../memory/memory-result-store';
import type { TransitionOutcome, TransitionPatch } from '../ports/result-store';
import { defineTask } from '../task/define-task';
import { makeJob } from '../testing/fixtures';
import { recordingDelivery } from '../testing/recording-delivery';
import { createExecutor, type ExecutionEvent } from './execute-job';

/** A store with a request limit, as Upstash's REST endpoint (413: not recoverable). */
class LimitedStore extends MemoryResultStore {
  constructor(private readonly refuseAll = false) {
    super();
  }
  override transition(id: string, to: JobState, patch?: TransitionPatch): Promise<TransitionOutcome> {
    if (this.refuseAll || JSON.stringify(patch?.input ?? null).length > 1000) {
      const why = this.refuseAll ? 'NOPERM no permissions' : 'ERR max request size exceeded';
      return Promise.reject(new TransportError(`result store transition failed: ${why}`, false));
    }
    return super.transition(id, to, patch);
  }
}

const big = { blob: 'x'.repeat(5000) };
let runs = 0;
const task = defineTask({
  name: 't',
  input: z.unknown(),
  handler: () => {
    runs++;
    return 'ok';
  },
});

function setUp(refuseAll = false) {
  const results = new LimitedStore(refuseAll);
  const events: ExecutionEvent[] = [];
  const ex = createExecutor({
    tasks: new Map([['t', task]]),
    results,
    workerId: 'w',
    resultTtlS: 60,
    onEvent: (e) => events.push(e),
  });
  return { ex, results, events };
}

describe('executor: a job whose record the store refuses for good', () => {
  // Refused at the claim of every delivery, it was handed back for good: never run, never failed.
  it('is failed without its input and dead-lettered with the reason, not run', async () => {
    const { ex, results, events } = setUp();
    runs = 0;
    const job = makeJob({ task: 't', input: big });
    const { d, calls } = recordingDelivery(job);
    expect(await ex.execute(d)).toBe('failed');
    expect(runs).toBe(0);
    expect(calls).toEqual([
      {
        op: 'deadLetter',
        arg: expect.stringMatching(
          /^refused by the result store: RecordNotStored: .*input is 5011 characters.*max request size/,
        ),
      },
    ]);
    const rec = await results.get(job.id);
    expect(rec).toMatchObject({ state: 'failed', task: 't', error: { type: 'RecordNotStored' } });
    expect(rec?.input).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'failed', reason: 'refused by the result store' });
  });

  it('of an unknown task, or failed by the caller (fail), is dead-lettered as such', async () => {
    const { ex } = setUp();
    const unknown = recordingDelivery(makeJob({ task: 'nope', input: big }));
    expect(await ex.execute(unknown.d)).toBe('failed');
    expect(unknown.calls).toEqual([{ op: 'deadLetter', arg: expect.stringMatching(/^unknown task/) }]);
    const failed = recordingDelivery(makeJob({ task: 't', input: big }));
    const error = { type: 'FunctionTooShort', message: 'm', retryable: false };
    expect(await ex.fail(failed.d, error, 'function timeout too short')).toBe('failed');
    expect(failed.calls).toEqual([{ op: 'deadLetter', arg: expect.stringMatching(/^function timeout/) }]);
  });

  it('past its expiry is recorded expired without its input', async () => {
    const { ex, results } = setUp();
    const job = makeJob({ task: 't', input: big, expiresAt: new Date(Date.now() - 1000).toISOString() });
    const { d, calls } = recordingDelivery(job);
    expect(await ex.execute(d)).toBe('expired');
    expect(calls).toEqual([{ op: 'ack' }]);
    expect((await results.get(job.id))?.state).toBe('expired');
  });

  // NOPERM, a wrong token: every job is refused alike, so none is failed for it.
  it('a store that refuses every write rejects: the caller hands the delivery back', async () => {
    const { ex } = setUp(true);
    const { d, calls } = recordingDelivery(makeJob({ task: 't', input: big }));
    await expect(ex.execute(d)).rejects.toThrow(/NOPERM/);
    expect(calls).toEqual([]);
    const small = recordingDelivery(makeJob({ task: 'nope', input: 1 }));
    await expect(ex.execute(small.d)).rejects.toThrow(/NOPERM/);
    expect(small.calls).toEqual([]);
  });
});
