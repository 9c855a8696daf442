import {
  type BatchItemResult,
  enqueueBatchRequestSchema,
  fieldErrors,
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
  /** Item i's job id when the caller fixes it (a retry: see EnqueueContext.jobId). */
  jobIds?: readonly (string | undefined)[];
}

/**
 * A batch of up to MAX_BATCH jobs, shared by `POST /v1/jobs/batch` and `@warren/sdk/direct`:
 * each item is validated on its own, every publish is in flight at once (the broker confirms them
 * as one pipelined burst, the job records go to the store in one batch), and one result comes
 * back per item, in order. A bad or refused item is a problem entry (its fields named
 * `jobs.<index>.<field>`, whichever check refused it); it never fails the others.
 * Anything that is not a WarrenError (a bug, not an answer) rejects the whole call.
 *
 * Items naming one idempotency key run one after the other, in batch order: in flight together
 * the later ones found the key claimed and no record yet (409 "still being accepted", from their
 * own batch). After the earlier item settles, a later one is what a retry of it would be: a replay
 * of the same job (200), the 422 for another request, or a retry after a failed publish.
 */
export async function enqueueMany(
  producer: Pick<Producer, 'enqueue'>,
  items: readonly unknown[],
  ctx: EnqueueContext = {},
  opts: EnqueueManyOptions = {},
): Promise<BatchItemResult[]> {
  if (items.length === 0 || items.length > MAX_BATCH) {
    // The ingest's own check and wording, so the direct client's 400 is the HTTP client's.
    const { issues } = enqueueBatchRequestSchema.shape.jobs.safeParse(items).error!;
    throw new ValidationError(`a batch holds 1 to ${MAX_BATCH} jobs`, fieldErrors(issues, 'jobs'));
  }
  // The last item so far of each idempotency key, settled (answered either way).
  const lastOfKey = new Map<string, Promise<unknown>>();
  const results = await Promise.all(
    items.map(async (item, i): Promise<BatchItemResult> => {
      const prefix = `jobs.${i}`;
      let parsed = false;
      try {
        const req = parseEnqueueRequest(item, prefix);
        parsed = true;
        opts.check?.(req.task);
        const key = req.idempotencyKey;
        const before = key === undefined ? undefined : lastOfKey.get(key);
        const jobId = opts.jobIds?.[i];
        const itemCtx = jobId === undefined ? ctx : { ...ctx, jobId };
        const run = before
          ? before.then(() => producer.enqueue(req, itemCtx))
          : producer.enqueue(req, itemCtx);
        if (key !== undefined)
          lastOfKey.set(
            key,
            run.catch(() => {}),
          );
        const { replayed, response } = await run;
        return { status: replayed ? 200 : 202, job: response };
      } catch (err) {
        if (!(err instanceof WarrenError)) throw err;
        const problem = err.toProblem(opts.instance?.(i));
        // The parse names fields under the item already; the later checks (unknown task or
        // queue, input, idempotency key: 422) name them within the item, as for one job.
        if (parsed && problem.errors)
          problem.errors = problem.errors.map((e) => ({
            ...e,
            path: e.path ? `${prefix}.${e.path}` : prefix,
          }));
        return { status: err.status, problem };
      }
    }),
  );
  return namingAtMost(MAX_BATCH_ERRORS, results);
}

/** Field errors one batch answer names in all (an item's input names up to 100 of its own). */
const MAX_BATCH_ERRORS = 1000;

/**
 * The results with their field errors named, in item order, until `max`; an item's errors past
 * that are counted instead. 1,000 items of 100 named input issues each (a 269 KB body) answered
 * 9 MB: over the 6 MB a Lambda ingest may answer, where every item's outcome was lost.
 */
function namingAtMost(max: number, results: BatchItemResult[]): BatchItemResult[] {
  let left = max;
  results.forEach((r, i) => {
    const errors = r.problem?.errors;
    if (!errors) return;
    if (errors.length <= left) {
      left -= errors.length;
      return;
    }
    left = 0;
    const message = `${errors.length.toLocaleString('en-US')} field error${errors.length === 1 ? '' : 's'}, not named: a batch answer names ${max.toLocaleString('en-US')} in all (send this job alone for them)`;
    r.problem!.errors = [{ path: `jobs.${i}`, message }];
  });
  return results;
}
