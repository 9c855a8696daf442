import type { BatchItemResult } from '@warren/protocol';
import type { EnqueuedJob } from './client';
import type { OutputFor } from './task-ref';

/** One `enqueueMany` item's outcome, its job (when accepted) typed by the item's task's result. */
export interface TypedBatchItemResult<TOut = unknown> extends Omit<BatchItemResult, 'job'> {
  job?: EnqueuedJob<TOut>;
}

/**
 * `enqueueMany`'s answer for the items `J`, in their order: item K's `job` carries
 * `OutputFor<J[K]['task']>` (a plain task name: unknown), so `wait(results[k].job!)` is typed as
 * `wait(await enqueue(task, input))` is. A tuple of items gives a tuple, an array an array; mutable,
 * as the `BatchItemResult[]` it was.
 */
export type BatchResults<J extends readonly unknown[]> = {
  -readonly [K in keyof J]: TypedBatchItemResult<J[K] extends { task: infer T } ? OutputFor<T> : unknown>;
};
