export type { BatchResults, TypedBatchItemResult } from './batch-results';
export {
  type BatchJob,
  type CallOptions,
  type ClientOptions,
  createClient,
  type EnqueuedJob,
  type EnqueueOptions,
  type JobHandle,
  type RetryOptions,
  type SendOptions,
  type TypedJobRecord,
  type WaitOptions,
  type WarrenClient,
} from './client';
export {
  EnqueueManyError,
  idempotencyKeyOf,
  isRetryableStatus,
  parseRetryAfter,
  WaitTimeoutError,
  WarrenHttpError,
} from './errors';
export type {
  BatchItems,
  EnqueueArgs,
  InputFor,
  InputOf,
  OutputFor,
  OutputOf,
  TaskArg,
  TaskRef,
} from './task-ref';
export { taskRef } from './task-ref';
