import type {
  BatchItemResult,
  EnqueueBatchResponse,
  EnqueueRequest,
  EnqueueResponse,
  JobRecord,
} from '@warren/protocol';
import type { BatchResults } from './batch-results';
import type { WarrenClient } from './client-api';
import { EnqueueManyError, WaitTimeoutError, WarrenHttpError, withIdempotencyKey } from './errors';
import { batchOf, JOB } from './expected';
import { jobId } from './job-id';
import { longPollBudget } from './long-poll-budget';
import { maxLongPolls } from './max-long-polls';
import { randomUUID } from './random-uuid';
import { renumberItem } from './renumber-item';
import { createRequester, type RequesterOptions, sleep } from './request';
import { sendInBursts } from './send-in-bursts';
import type { BatchItems, EnqueueArgs, OutputFor, TaskArg } from './task-ref';
import { tooLargeItem } from './too-large-item';
import { waitTimeoutMs } from './wait-timeout-ms';

export type { WarrenClient } from './client-api';
export type { FetchLike, RetryOptions } from './request';
export interface ClientOptions extends RequesterOptions {
  /**
   * How many of this client's `wait`s may long-poll at once; the others read their job with short
   * GETs (every 0.5 s, slowing to 4 s) until one ends. Default: 4 in a browser or Cloudflare
   * Worker, whose 6 connections six long-polls would hold (see max-long-polls.ts), else no limit.
   */
  maxLongPolls?: number;
}

/** When the job may run: a delay or a date, not both (the ingest answers 400 to both). */
type RunWhen = { delayMs?: number; runAt?: never } | { runAt?: string; delayMs?: never };
export type EnqueueOptions = Omit<EnqueueRequest, 'task' | 'input' | 'delayMs' | 'runAt'> & RunWhen;
/**
 * A call's own options: `signal` ends it (its try in flight, a retry's pause) with the signal's
 * reason, as fetch does. An enqueue ended so may still have been accepted: `idempotencyKeyOf(err)`.
 */
export interface CallOptions {
  signal?: AbortSignal;
}

/** `wait`'s options: how long to wait in all (ms, default 30 s), and a signal that ends it. */
export interface WaitOptions extends CallOptions {
  timeoutMs?: number;
}

/**
 * An enqueue's own options: `traceparent` (W3C trace context, e.g. your active span's) puts the
 * job in your trace: the ingest's span and the job's runs become its children. Without one the
 * ingest starts a trace per request.
 */
export interface SendOptions extends CallOptions {
  traceparent?: string;
  /** The W3C tracestate that goes with `traceparent` (ignored without one). */
  tracestate?: string;
}

const traceHeaders = ({ traceparent, tracestate }: SendOptions) =>
  traceparent ? { traceparent, ...(tracestate ? { tracestate } : {}) } : undefined;

/** One job of `enqueueMany`: a task (definition or name), its input and the enqueue options. */
export type BatchJob = { task: TaskArg; input?: unknown } & EnqueueOptions;

/**
 * An enqueued job as the ingest answers it, carrying its task's result type: `enqueue`'s handle,
 * and an accepted `enqueueMany` item's `job`.
 */
export interface EnqueuedJob<TOut = unknown> extends EnqueueResponse {
  /** Type carrier only: lets `wait(job)` infer the result type. */
  readonly __output?: TOut;
}

export interface JobHandle<TOut = unknown> extends EnqueuedJob<TOut> {
  /**
   * True when the ingest answered 200 for a repeated idempotency key: yours, sent before (or by
   * this call's own earlier try, its answer lost). Never for a key the client made: that 200 is
   * this call's earlier try, and the job is answered as that try would have been.
   */
  replayed: boolean;
}

export interface TypedJobRecord<TOut> extends Omit<JobRecord, 'result'> {
  result?: TOut;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'expired']);
/** The protocol's MAX_BATCH, written here so the client bundle takes no zod (a test holds them equal). */
export const BATCH_MAX = 1000;
/** Longest single long-poll: under the ingest's 30 s cap and the 29-30 s of common proxies. */
const MAX_POLL_MS = 20_000;
/** How long past its wait a long-poll's answer may take to arrive before the try is aborted. */
const POLL_GRACE_MS = 5_000;
/**
 * How long past the wait's own end its last long-poll's answer may still arrive: the ingest answers
 * at its wait's end (up to 0.5 s later when its store is slow), so a wait ends by then, not 5 s later.
 */
const POLL_LATE_MS = 1_000;
/** A wait without a long-poll slot reads its job after this pause, doubling up to MAX_SHORT_POLL_MS. */
const SHORT_POLL_MS = 500;
const MAX_SHORT_POLL_MS = 4_000;

/**
 * The producer client: `fetch` only, so it runs on Node, Lambda, Workers, Deno and browsers.
 * Retries 429/503/network errors with full-jitter backoff that honours Retry-After, and always
 * sends an idempotency key, so a retried enqueue can never create a second job.
 */
export function createClient(opts: ClientOptions): WarrenClient {
  const { request, pauseAfter, acceptingPauseAfter, startCall } = createRequester(opts);
  const pollSlot = longPollBudget(maxLongPolls(opts.maxLongPolls));

  async function enqueue<T extends TaskArg>(
    task: T,
    ...[input, { signal, traceparent, tracestate, ...options } = {}]: EnqueueArgs<
      T,
      EnqueueOptions & SendOptions
    >
  ): Promise<JobHandle<OutputFor<T>>> {
    const name = typeof task === 'string' ? task : task.name;
    const idempotencyKey = options.idempotencyKey ?? randomUUID();
    const res = await request<EnqueueResponse>(
      'POST',
      '/v1/jobs',
      { ...options, task: name, input, idempotencyKey },
      startCall(signal),
      JOB,
      traceHeaders({ traceparent, tracestate }),
    ).catch((err: unknown) => {
      // The job may have been accepted: the key lets the caller enqueue again without a second.
      throw withIdempotencyKey(err, idempotencyKey);
    });
    // A key of the client's own was only ever sent by this call: its 200 is its own first try.
    return { ...res.data, replayed: res.status === 200 && options.idempotencyKey !== undefined };
  }

  /**
   * Many jobs, one result per job in order. Longer lists than the ingest takes in one batch go
   * in consecutive requests of BATCH_MAX (as `@warren/sdk/direct` does), a request too large for
   * the ingest's body limit in halves (a job too large alone is a 413 item). Items answered 429 or
   * 503 (the broker could not take them) are sent again, alone, after the answer's Retry-After
   * (or a backoff) with their same idempotency keys, up to the client's attempts (409s, still
   * being accepted, until its deadline); what still fails is returned as its problem.
   * A batch that fails as a whole throws an EnqueueManyError with the answers so far and every
   * job's key, so the caller can send the rest again without enqueuing anything twice.
   */
  async function enqueueMany<const J extends readonly BatchJob[]>(
    jobs: J & BatchItems<J>,
    { signal, ...trace }: SendOptions = {},
  ): Promise<BatchResults<J>> {
    const items = jobs.map((j) => ({
      ...j,
      task: typeof j.task === 'string' ? j.task : j.task.name,
      idempotencyKey: j.idempotencyKey ?? randomUUID(),
    }));
    // Each batch, with its items' retries, within one deadline (startCall).
    let answers: readonly (BatchItemResult | undefined)[] = [];
    const sending = sendInBursts(items.length, {
      max: BATCH_MAX,
      start: () => startCall(signal),
      pauseAfter,
      acceptingPauseAfter,
      signal,
      send: async (pending, call, out) => {
        answers = out;
        const got: (BatchItemResult | undefined)[] = [];
        let retryAfterMs: number | undefined;
        /**
         * One request for `part`; a 413 (over the ingest's batch body limit, 16 × its job limit,
         * or a gateway's) halves it: the client cannot know the limit, and every job in it may be
         * within the limits. A lone job still refused is answered 413 on its own.
         */
        const post = async (part: number[]): Promise<void> => {
          try {
            const body = { jobs: part.map((i) => items[i]) };
            const res = await request<EnqueueBatchResponse>(
              'POST',
              '/v1/jobs/batch',
              body,
              call,
              batchOf(part.length),
              traceHeaders(trace),
            );
            res.data.results.forEach((r, k) => {
              got[part[k]!] = ownTry(renumberItem(r, k, part[k]!), jobs[part[k]!]!);
            });
            if (res.retryAfterMs !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, res.retryAfterMs);
          } catch (err) {
            if (!(err instanceof WarrenHttpError && err.status === 413)) throw err;
            if (part.length === 1) {
              got[part[0]!] = tooLargeItem(err.problem, part[0]!, items[part[0]!]);
              return;
            }
            const mid = part.length >> 1;
            await post(part.slice(0, mid));
            await post(part.slice(mid));
          }
        };
        try {
          await post(pending);
        } catch (err) {
          throw new EnqueueManyError(
            err,
            // The failed batch's unanswered jobs are unanswered, whatever an earlier try of theirs got.
            Array.from(items, (_, i) => got[i] ?? (pending.includes(i) ? undefined : out[i])),
            items.map((j) => j.idempotencyKey),
          );
        }
        return { results: pending.map((i) => got[i]!), retryAfterMs };
      },
    });
    // The signal may end a pause between retries: the answers so far and the keys, as for a failed batch.
    // Typed per item (types only): each answer is its own item's, in order (renumberItem).
    return (sending as Promise<BatchResults<J>>).catch((err: unknown) => {
      if (err instanceof EnqueueManyError) throw err;
      throw new EnqueueManyError(
        err,
        items.map((_, i) => answers[i]),
        items.map((j) => j.idempotencyKey),
      );
    });
  }

  /**
   * An item replayed (200) under a key the client made was accepted by this call's own earlier
   * try, its answer lost: answered as that try was (202), as `enqueue` answers `replayed: false`.
   */
  const ownTry = (r: BatchItemResult, job: BatchJob): BatchItemResult =>
    r.status === 200 && job.idempotencyKey === undefined ? { ...r, status: 202 } : r;

  async function get<TOut = unknown>(
    id: string,
    { signal }: CallOptions = {},
  ): Promise<TypedJobRecord<TOut>> {
    return (
      await request<TypedJobRecord<TOut>>(
        'GET',
        `/v1/jobs/${encodeURIComponent(jobId(id))}`,
        undefined,
        startCall(signal),
        JOB,
      )
    ).data;
  }

  /**
   * Long-polls the ingest (`?wait=`) until the job is terminal or `timeoutMs` passes; retries of a
   * failed poll stay within `timeoutMs` too, and `signal` stops it (rejecting with its reason).
   * While the client's `maxLongPolls` are all in flight it reads the job with short GETs instead,
   * and long-polls again once a slot is handed to it.
   */
  async function wait<TOut = unknown>(
    job: string | { id: string } | EnqueuedJob<TOut>,
    { timeoutMs = 30_000, signal }: WaitOptions = {},
  ): Promise<TypedJobRecord<TOut>> {
    const id = jobId(typeof job === 'string' ? job : job.id);
    const slot = pollSlot();
    const call = {
      until: Date.now() + waitTimeoutMs(timeoutMs),
      poll: { maxMs: MAX_POLL_MS, graceMs: POLL_GRACE_MS, lateMs: POLL_LATE_MS, slot },
      signal,
    };
    // Built per try with the time left, so a retried poll never asks for more than that; in
    // whole milliseconds, so the last second is one long-poll too, not ten 100 ms polls.
    const path = (waitMs: number) =>
      `/v1/jobs/${encodeURIComponent(id)}${waitMs > 0 ? `?wait=${Math.round(waitMs)}ms` : ''}`;
    let shortMs = SHORT_POLL_MS;
    try {
      for (;;) {
        const rec = (await request<TypedJobRecord<TOut>>('GET', path, undefined, call, JOB)).data;
        if (TERMINAL.has(rec.state)) return rec;
        if (Date.now() >= call.until) throw new WaitTimeoutError(id, timeoutMs);
        const left = Math.max(0, call.until - Date.now());
        // A server that answered before the wait ran out (or ignores `wait`) must not cause a hot loop.
        if (!slot.inLine) await sleep(Math.min(100, left), signal);
        else {
          // Read again after a pause, or at once when a long-poll slot is handed to this wait.
          await sleep(Math.min(shortMs, left), signal, slot.handed());
          shortMs = Math.min(shortMs * 2, MAX_SHORT_POLL_MS);
        }
      }
    } finally {
      slot.end();
    }
  }

  async function cancel(id: string, { signal }: CallOptions = {}): Promise<TypedJobRecord<unknown>> {
    const path = `/v1/jobs/${encodeURIComponent(jobId(id))}`;
    const call = startCall(signal);
    try {
      return (await request<TypedJobRecord<unknown>>('DELETE', path, undefined, call, JOB)).data;
    } catch (err) {
      // A retry's 409 may be this call's own earlier try, cancelled with its answer lost: success.
      if (!(call.retried && err instanceof WarrenHttpError && err.status === 409)) throw err;
      const rec = await get(id, { signal });
      if (rec.state === 'cancelled') return rec;
      throw err;
    }
  }

  return { enqueue, enqueueMany, get, wait, cancel };
}
