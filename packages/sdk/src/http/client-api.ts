import type { BatchResults } from './batch-results';
import type {
  BatchJob,
  CallOptions,
  EnqueuedJob,
  EnqueueOptions,
  JobHandle,
  SendOptions,
  TypedJobRecord,
  WaitOptions,
} from './client';
import type { BatchItems, EnqueueArgs, OutputFor, TaskArg } from './task-ref';

/**
 * The producer API both clients have (`createClient`, and `createDirectClient` from
 * `@warren/sdk/direct`): code written against it takes either. Declared once, with method
 * signatures: enqueueMany's generic `J & BatchItems<J>` written out in each client made two
 * function types TypeScript cannot relate, so a direct client was not a WarrenClient.
 */
export interface WarrenClient {
  enqueue<T extends TaskArg>(
    task: T,
    ...args: EnqueueArgs<T, EnqueueOptions & SendOptions>
  ): Promise<JobHandle<OutputFor<T>>>;
  enqueueMany<const J extends readonly BatchJob[]>(
    jobs: J & BatchItems<J>,
    options?: SendOptions,
  ): Promise<BatchResults<J>>;
  get<TOut = unknown>(id: string, options?: CallOptions): Promise<TypedJobRecord<TOut>>;
  wait<TOut = unknown>(
    job: string | { id: string } | EnqueuedJob<TOut>,
    options?: WaitOptions,
  ): Promise<TypedJobRecord<TOut>>;
  cancel(id: string, options?: CallOptions): Promise<TypedJobRecord<unknown>>;
}
