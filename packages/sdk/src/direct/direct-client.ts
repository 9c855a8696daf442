import {
  type CancelHooks,
  ConflictError,
  cancelJob,
  createProducer,
  type EnqueueRequest,
  enqueueMany as enqueueBatch,
  expireOverdue,
  isTerminal,
  type JobRecord,
  limitJobSize,
  MAX_BATCH,
  NotFoundError,
  newTraceparent,
  normalizeTraceparent,
  normalizeTracestate,
  type Producer,
  type ProducerDeps,
  parseEnqueueRequest,
  type RoutingHint,
  readJob,
  uuidv7,
  waitUntilTerminal,
} from '@warren/core';
import type { BatchResults } from '../http/batch-results';
import type {
  BatchJob,
  CallOptions,
  EnqueuedJob,
  EnqueueOptions,
  JobHandle,
  RetryOptions,
  SendOptions,
  TypedJobRecord,
  WaitOptions,
} from '../http/client';
import type { WarrenClient } from '../http/client-api';
import { WaitTimeoutError, withIdempotencyKey } from '../http/errors';
import { jobId } from '../http/job-id';
import { renumberItem } from '../http/renumber-item';
import { sendInBursts } from '../http/send-in-bursts';
import type { BatchItems, EnqueueArgs, InputFor, OutputFor, TaskArg } from '../http/task-ref';
import { waitTimeoutMs } from '../http/wait-timeout-ms';
import { asHttpError, rethrowAsHttp } from './as-http-error';
import { asSent } from './as-sent';
import { createRetrying } from './retrying';

/**
 * The SDK API over any core Publisher + ResultStore: server-side producers that publish straight
 * to RabbitMQ (with the same validation, idempotency and region routing as the ingest). It fails
 * as the HTTP client does: a WarrenHttpError with the status and problem the ingest would answer,
 * and retries as it does (`retry`: 429, 503 and 409 with backoff and Retry-After, each try under
 * the caller's idempotency key, or else the same job id, so a retry never runs a job twice).
 */
/**
 * The caller's trace context (an invalid one is dropped, as the ingest drops it, and its
 * tracestate with it), else a new trace.
 */
function traceOf({ traceparent, tracestate }: SendOptions): { traceparent: string; tracestate?: string } {
  const sent = normalizeTraceparent(traceparent);
  if (!sent) return { traceparent: newTraceparent() };
  const state = normalizeTracestate(tracestate);
  return state ? { traceparent: sent, tracestate: state } : { traceparent: sent };
}

export function createDirectClient(
  deps: ProducerDeps & {
    hint?: RoutingHint;
    retry?: RetryOptions;
    /**
     * The largest job, its request as JSON in UTF-8 bytes (default `config.ingest.bodyLimitBytes`,
     * 256 KiB unless configured): a larger one is the ingest's 413, not published. Unlimited, a
     * job too large for the result store's request limit was published, never recorded, and
     * dead-lettered by the worker.
     */
    bodyLimitBytes?: number;
    /** After `cancel` wrote `cancelled`, e.g. `celeryRevokeOnCancel` (see CancelHooks). */
    onCancelled?: CancelHooks['onCancelled'];
    /** onCancelled failed (the job stays cancelled); default console.error. */
    onCancelError?: CancelHooks['onCancelError'];
  },
): DirectClient {
  const producer = createProducer(deps);
  // Every job held to the ingest's limit (a batch's items one by one, as its batch route does).
  const sized = limitJobSize(producer, deps.bodyLimitBytes ?? deps.config.ingest.bodyLimitBytes);
  const { retrying, pauseAfter, acceptingPauseAfter, attempts, deadlineMs } = createRetrying(deps.retry);
  // A retry republishes the same job id (a worker runs an id once), fixed here when the caller
  // gives no key: a made-up key would cost a claim in the store on every enqueue, for the rare
  // retry. Without retries nothing is fixed.
  const idFor = (key: string | undefined) => (key === undefined && attempts > 1 ? uuidv7() : undefined);

  async function enqueue<T extends TaskArg>(
    task: T,
    ...[input, options = {}]: EnqueueArgs<T, EnqueueOptions & SendOptions>
  ): Promise<JobHandle<OutputFor<T>>> {
    try {
      return await enqueueOnce(task, input, options);
    } catch (err) {
      // As the HTTP client: `idempotencyKeyOf(err)` names the key to enqueue again with, without
      // a second job. Only the caller's own: without one this client sends none (see idFor).
      const key = options.idempotencyKey;
      throw typeof key === 'string' ? withIdempotencyKey(err, key) : err;
    }
  }

  async function enqueueOnce<T extends TaskArg>(
    task: T,
    input: InputFor<T> | undefined,
    { signal, traceparent, tracestate, ...options }: EnqueueOptions & SendOptions,
  ): Promise<JobHandle<OutputFor<T>>> {
    // A publish in flight is not stopped (its confirm decides); the signal ends a retry's pause.
    signal?.throwIfAborted();
    // Checked as the ingest's route checks it: the producer takes a request as already valid.
    let req: EnqueueRequest;
    try {
      const name = typeof task === 'string' ? task : task.name;
      req = parseEnqueueRequest(asSent({ ...options, task: name, input }));
    } catch (err) {
      throw asHttpError(err);
    }
    // The request's own region (in `req`) wins over the hint's; the hint must not be overwritten
    // with undefined when the request names none.
    // The caller's trace, or one of the job's own, as the ingest starts one for a request without
    // a traceparent: without it the worker's lines for the job carried no traceId.
    const ctx = { ...deps.hint, jobId: idFor(req.idempotencyKey), ...traceOf({ traceparent, tracestate }) };
    const { replayed, response } = await retrying(() => sized.enqueue(req, ctx), { signal });
    return { ...response, replayed };
  }

  /**
   * Many jobs at once, as `POST /v1/jobs/batch` does: every publish in flight together, one result
   * per job in order (202, 200 replayed, or a problem with its status). Longer lists go in
   * consecutive bursts of MAX_BATCH. As the HTTP client, items answered 429, 503 or 409 are sent
   * again, alone, under their same keys or job ids, up to `retry.attempts` within one deadline per burst.
   */
  async function enqueueMany<const J extends readonly BatchJob[]>(
    jobs: J & BatchItems<J>,
    { signal, ...trace }: SendOptions = {},
  ): Promise<BatchResults<J>> {
    signal?.throwIfAborted();
    // As one batch body, as the HTTP client sends it (a body nested too deeply is refused whole).
    let items: BatchJob[];
    try {
      const named = jobs.map((j) => ({ ...j, task: typeof j.task === 'string' ? j.task : j.task.name }));
      items = (asSent({ jobs: named }) as { jobs: BatchJob[] }).jobs;
    } catch (err) {
      throw asHttpError(err);
    }
    const ids = items.map((j) => idFor(j.idempotencyKey));
    // Typed per item (types only): each answer is its own item's, in order (renumberItem).
    const sending = sendInBursts(items.length, {
      max: MAX_BATCH,
      start: () => ({ until: Date.now() + deadlineMs }),
      pauseAfter,
      acceptingPauseAfter,
      signal,
      send: (pending) =>
        enqueueBatch(
          sized,
          pending.map((i) => items[i]),
          // One trace per batch sent, as a batch request shares its request's.
          { ...deps.hint, ...traceOf(trace) },
          { jobIds: pending.map((i) => ids[i]) },
        ).then(
          (results) => ({ results: results.map((r, k) => renumberItem(r, k, pending[k]!)) }),
          rethrowAsHttp,
        ),
    });
    return sending as Promise<BatchResults<J>>;
  }

  async function read<TOut>(id: string): Promise<TypedJobRecord<TOut>> {
    // The id as the caller wrote it (UUIDs and ULIDs are case-insensitive), as the ingest reads it.
    const rec = await readJob(deps.results, id);
    if (!rec) throw new NotFoundError(`no job ${id}`);
    // Still waiting past its expiresAt: it never runs (see expireOverdue), as the ingest answers.
    return (await expireOverdue(deps.results, rec, deps.config)) as TypedJobRecord<TOut>;
  }

  /**
   * As `GET /v1/jobs/:id` through the HTTP client: a store failure is its 503 WarrenHttpError,
   * retried as that client retries it (a TransportError came out raw, at once). An id no job can
   * have is that client's TypeError (jobId), as in `wait` and `cancel`, which reads through here.
   */
  async function get<TOut = unknown>(
    id: string,
    { signal }: CallOptions = {},
  ): Promise<TypedJobRecord<TOut>> {
    jobId(id);
    signal?.throwIfAborted();
    return retrying(() => read<TOut>(id), { signal });
  }

  /**
   * Until terminal, through core's `waitUntilTerminal` (the store's push `waitFor`, else polling).
   * Reads first, as the ingest's long-poll does: no such job is a 404 at once, not a timeout.
   * `signal` stops it with its reason, as the HTTP client's wait. A store failure (a 503 over HTTP)
   * is retried within `timeoutMs`, as that client retries its polls.
   */
  async function wait<TOut = unknown>(
    job: string | { id: string } | EnqueuedJob<TOut>,
    { timeoutMs = 30_000, signal }: WaitOptions = {},
  ): Promise<TypedJobRecord<TOut>> {
    const id = jobId(typeof job === 'string' ? job : job.id);
    // NaN made the store re-read on a 1 ms timer, for good (the HTTP client's check).
    const until = Date.now() + waitTimeoutMs(timeoutMs);
    signal?.throwIfAborted();
    const first = await retrying(() => read<TOut>(id), { until, signal });
    if (isTerminal(first.state)) return first;
    const rec = await retrying(
      () =>
        waitUntilTerminal(deps.results, first.id, Math.max(0, until - Date.now()), {
          current: first,
          signal,
          config: deps.config,
        }),
      { until, signal },
    );
    if (rec && isTerminal(rec.state)) return rec as TypedJobRecord<TOut>;
    signal?.throwIfAborted();
    // Its record gone meanwhile (expired, evicted): the ingest's long-poll answers that 404.
    if (!rec) throw asHttpError(new NotFoundError(`no job ${id}`));
    throw new WaitTimeoutError(id, timeoutMs);
  }

  /**
   * As `DELETE /v1/jobs/:id`: the cancelled record; 404 for no such job, 409 once finished. A store
   * failure on the write (a 503 over HTTP) is retried as the HTTP client retries the DELETE (it
   * came out at once), and a retry's 409 that finds the job cancelled is this call's own earlier
   * write, its answer lost: success, as there.
   */
  async function cancel(id: string, { signal }: CallOptions = {}): Promise<TypedJobRecord<unknown>> {
    const rec = await get(id, { signal });
    let tries = 0;
    const out = await retrying(
      async () => {
        tries++;
        try {
          const done = await cancelJob(deps.results, rec as JobRecord, deps.config, {
            onCancelled: deps.onCancelled,
            onCancelError: deps.onCancelError,
          });
          return { done };
        } catch (err) {
          // Final, not retried (retrying would take a 409 for a key still in flight).
          if (err instanceof ConflictError) return { conflict: err };
          throw err;
        }
      },
      { signal },
    );
    if ('conflict' in out) {
      const now = tries > 1 ? await get(id, { signal }) : undefined;
      if (now?.state === 'cancelled') return now;
      throw asHttpError(out.conflict);
    }
    return (out.done ?? (await get(id, { signal }))) as TypedJobRecord<unknown>;
  }

  return { enqueue, enqueueMany, get, wait, cancel, producer };
}

/** The HTTP client's API (WarrenClient), and the producer it publishes through. */
export interface DirectClient extends WarrenClient {
  readonly producer: Producer;
}
