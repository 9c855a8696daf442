import {
  type BatchItemResult,
  MAX_BATCH,
  parseEnqueueRequest,
  ValidationError,
  WarrenError,
} from '@warren/protocol';
import type { EnqueueContext, Producer } from './producer';

export interface EnqueueManyOptions {
  /** Extra per-item check after validation (the ingest: may this API key use the task?). */
  check?: (task: string) => void;
  /** `instance` of item i's problem (the ingest: `<path>#i`). */
  instance?: (i: number) => string;
}

/**
 * A batch of up to MAX_BATCH jobs, shared by `POST /v1/jobs/batch` and `@warren/sdk/direct`:
 * each item is validated on its own, every publish is in flight at once (the broker confirms them
 * as one pipelined burst, the job records go to the store in one batch), and one result comes
 * back per item, in order. A bad or refused item is a problem entry; it never fails the others.
 * Anything that is not a WarrenError (a bug, not an answer) rejects the whole call.
 */
export async function enqueueMany(
  producer: Pick<Producer, 'enqueue'>,
  items: readonly unknown[],
  ctx: EnqueueContext = {},
  opts: EnqueueManyOptions = {},
): Promise<BatchItemResult[]> {
  if (items.length === 0 || items.length > MAX_BATCH) {
    throw new ValidationError(`a batch holds 1 to ${MAX_BATCH} jobs`, [
      { path: 'jobs', message: `${items.length} jobs` },
    ]);
  }
  return Promise.all(
    items.map(async (item, i): Promise<BatchItemResult> => {
      try {
        const req = parseEnqueueRequest(item, `jobs.${i}`);
        opts.check?.(req.task);
        const { replayed, response } = await producer.enqueue(req, ctx);
        return { status: replayed ? 200 : 202, job: response };
      } catch (err) {
        if (err instanceof WarrenError)
          return { status: err.status, problem: err.toProblem(opts.instance?.(i)) };
        throw err;
      }
    }),
  );
}
