import type { BatchItemResult, Problem } from '@warren/protocol';

/** A non-2xx answer from the ingest, carrying its problem+json body. */
export class WarrenHttpError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly retryAfterMs?: number,
    message?: string,
  ) {
    super(message ?? messageOf(status, problem));
    this.name = 'WarrenHttpError';
  }
}

/** Fields named in an error's message; the problem keeps them all. */
const MAX_FIELDS = 5;

/** The problem's detail and the fields it names (`detail (input.a: …; input.b: …)`): what to fix, in a log line. */
function messageOf(status: number, problem: Problem | undefined): string {
  const head = problem?.detail ?? problem?.title ?? `HTTP ${status}`;
  const errors = problem?.errors ?? [];
  if (errors.length === 0) return head;
  // Path '' is the request itself (a job over its body limit): its message stands alone.
  const named = errors.slice(0, MAX_FIELDS).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  if (errors.length > MAX_FIELDS) named.push(`${errors.length - MAX_FIELDS} more`);
  return `${head} (${named.join('; ')})`;
}

/**
 * An error answer's body as a problem, when it is one: a gateway in front of the ingest answers
 * its own JSON (API Gateway's `{"message": "Forbidden"}`), which is not.
 */
export function problemIn(data: unknown): Problem | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const p = data as Record<string, unknown>;
  return typeof p.title === 'string' || typeof p.detail === 'string' ? (data as Problem) : undefined;
}

/** The message of an answer without a problem: its status, and a gateway's `message` if it gave one. */
export function statusMessage(status: number, data: unknown): string {
  const said = (data as { message?: unknown } | undefined)?.message;
  return typeof said === 'string' && said ? `HTTP ${status}: ${said.slice(0, 200)}` : `HTTP ${status}`;
}

export class WaitTimeoutError extends Error {
  constructor(id: string, ms: number) {
    super(`job ${id} did not finish within ${ms} ms`);
    this.name = 'WaitTimeoutError';
  }
}

export const isRetryableStatus = (status: number) =>
  status === 429 || status === 503 || status === 502 || status === 504;

/** Retry-After as seconds or an HTTP date, in ms. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/**
 * `enqueueMany` failed: a batch failed as a whole (after its retries) or could not be sent. Batches
 * before it may have been accepted, so the error carries their answers and every job's idempotency
 * key (the client made them up where the caller gave none): sending the unanswered jobs again with
 * those keys, or the whole list, can never enqueue a job twice. Status and problem are the failed
 * batch's (status 0 when no HTTP answer came: a network error, the deadline); `cause` is its error.
 */
export class EnqueueManyError extends WarrenHttpError {
  constructor(
    override readonly cause: unknown,
    /** One entry per job, in order; undefined for the jobs of the failed batch and after it. */
    readonly results: (BatchItemResult | undefined)[],
    /** Every job's idempotency key, in order, as sent. */
    readonly idempotencyKeys: string[],
  ) {
    const http = cause instanceof WarrenHttpError ? cause : undefined;
    super(http?.status ?? 0, http?.problem, http?.retryAfterMs);
    const answered = results.filter((r) => r !== undefined).length;
    this.message = `${answered} of ${results.length} jobs answered, then a batch failed: ${(cause as Error)?.message ?? String(cause)}`;
    this.name = 'EnqueueManyError';
  }
}

/**
 * The idempotency key a failed `enqueue` sent (its own, or the one the client made up). An
 * enqueue can fail after the ingest accepted the job (an answer cut off, a deadline): enqueueing
 * again with this key answers with that job, never a second one. Undefined for other errors, and
 * where the value thrown cannot name one key: an abort's reason that is not an object
 * (`abort('x')`), or one that ended several enqueues (a shared signal rejects them all with its
 * one reason). Give your own `idempotencyKey` where such an enqueue must not be sent twice.
 */
export const idempotencyKeyOf = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null ? (keys.get(err) ?? undefined) : undefined;

/** Each failed enqueue's key by the value it threw; null once two enqueues threw one value with different keys. */
const keys = new WeakMap<object, string | null>();

/**
 * Marks `err` as a failed enqueue of `key` (a WeakMap: any thrown value, frozen ones too). A value
 * already marked with another key (the same abort reason, thrown by each call on a shared signal)
 * names none: the last call's key, enqueued again with by the others, replayed its job for theirs.
 */
export function withIdempotencyKey(err: unknown, key: string): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const had = keys.get(err);
  keys.set(err, had === undefined || had === key ? key : null);
  return err;
}
