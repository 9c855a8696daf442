import { type JobError, type JobState, TransportError } from '@warren/protocol';
import type { TransitionOutcome, TransitionPatch } from '../ports/result-store';
import { StoreFullError } from '../ports/store-full-error';
import type { JobExecution } from './executor-types';
import { FULL_REFUSALS_BEFORE_NO_INPUT } from './input-refusals';

/**
 * A store error that comes again for the same write (not recoverable): a request over the REST
 * endpoint's size limit, a value Redis will not take, but also a store that refuses every write
 * (a wrong token, NOPERM). Only a write of the same job without its bulk tells the two apart.
 */
export const refusedForGood = (err: unknown): err is TransportError =>
  err instanceof TransportError && !err.recoverable;

/**
 * An input shorter than this (JSON characters) is never left out for memory: a write refused with
 * it was refused for the memory Redis lacks, or for a large write batched with it (a start of a
 * small job beside a large one was refused with it at every delivery, and lost its input).
 * Redis's own threshold for a large argument (PROTO_MBULK_BIG_ARG).
 */
const LARGE_INPUT_CHARS = 32 * 1024;

const jsonLength = (input: unknown): number => {
  try {
    return JSON.stringify(input)?.length ?? 0;
  } catch {
    return 0;
  }
};

/**
 * A write that carries the job's creation fields, made again without the input when the store
 * refuses it for good: an input over the store's request limit (Upstash's 10 MB) was refused at
 * every write, so the job could be neither run nor failed and went round the queue for ever. A
 * record without its input can still say the job failed or expired. So when it is refused for
 * memory (StoreFullError): Redis counts the input against its maxmemory before running the write,
 * and an input larger than the memory left was refused at every delivery while small writes
 * passed, the job never run nor ended (its record missing: the enqueue's write refused alike);
 * left out once the job's deliveries were refused FULL_REFUSALS_BEFORE_NO_INPUT times, if it is
 * large (a start so written runs the job: only the record lacks its input).
 * Refused again, the store refuses every job (or is full for every write): the first error is
 * thrown and the delivery handed back. Only on the failure path: the usual write is one call.
 */
export async function writeWithoutInputIfRefused(
  x: Pick<JobExecution, 'job' | 'write' | 'delivery' | 'inputRefusals'>,
  to: JobState,
  patch: TransitionPatch,
  /** Only a refusal for memory (a run's start: one refused for good fails the job, see execute-job.ts). */
  memoryOnly = false,
): Promise<TransitionOutcome> {
  try {
    return await x.write(x.job.id, to, patch);
  } catch (err) {
    const full = err instanceof StoreFullError;
    if (!(full || (refusedForGood(err) && !memoryOnly)) || patch.input === undefined) throw err;
    // For memory: handed back the first times (a neighbour's large write, a moment's pressure),
    // and always when the input is too small to be why.
    if (full) {
      if (!x.inputRefusals || jsonLength(x.job.input) < LARGE_INPUT_CHARS) throw err;
      if (x.inputRefusals.refused(x.job.id, x.delivery) < FULL_REFUSALS_BEFORE_NO_INPUT) throw err;
      x.inputRefusals.forget(x.job.id);
    }
    patch.input = undefined;
    return x.write(x.job.id, to, patch).catch(() => {
      throw err;
    });
  }
}

/** The record's error for a job the store would not record (its claim refused for good). */
export function recordNotStored(x: JobExecution, err: TransportError): JobError {
  let size = '';
  try {
    size = ` (its input is ${JSON.stringify(x.job.input)?.length ?? 0} characters of JSON)`;
  } catch {}
  return {
    type: 'RecordNotStored',
    message: `the result store refused the job's record${size}: ${err.message}`,
    retryable: false,
  };
}
