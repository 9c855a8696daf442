import type { JobEnvelope, JobError } from '@warren/protocol';
import { DeferError, NonRetriableError, RetryAfterError } from '../task/task-errors';

/** The longest message or stack a record's error keeps. */
export const MAX_TEXT = 4000;

/**
 * A thrown value as the record's error. Never throws itself: a task may throw anything (a string,
 * undefined, an object without a prototype, an Error whose message is not a string), and an
 * exception here would leave the delivery unsettled, so the job would run again and again.
 */
export function toJobError(err: unknown, retryable: boolean): JobError {
  const type = err instanceof Error ? text(safeGet(err, 'name')) || 'Error' : 'Error';
  const stack = err instanceof Error ? text(safeGet(err, 'stack')) : undefined;
  return {
    type: type.slice(0, 200),
    message: describe(err).slice(0, MAX_TEXT),
    retryable,
    ...(stack ? { stack: stack.slice(0, MAX_TEXT) } : {}),
  };
}

/** The message of an Error or an error-like object (`{ message }`), else the value as text. */
function describe(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const message = safeGet(err, 'message');
    if (typeof message === 'string') return message;
    if (message !== undefined && err instanceof Error) return asText(message);
  }
  return asText(err);
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  let s: string | undefined;
  try {
    s = String(v);
  } catch {
    // No usable toString (Object.create(null), a throwing Symbol.toPrimitive): name its shape.
  }
  // A thrown plain object ({ code: 'E_QUOTA', status: 429 }) was recorded as '[object Object]',
  // which says nothing: its JSON does (as Celery records an exception's repr).
  if (s !== undefined && !(typeof v === 'object' && v !== null && s.startsWith('[object '))) return s;
  try {
    return jsonOf(v) ?? s ?? Object.prototype.toString.call(v);
  } catch {
    return s ?? Object.prototype.toString.call(v);
  }
}

/** JSON of a thrown value; a reference back to an enclosing object is written "[Circular]". */
function jsonOf(v: unknown): string | undefined {
  const ancestors: unknown[] = [];
  return JSON.stringify(v, function (this: unknown, _key, value: unknown) {
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value !== 'object' || value === null) return value;
    // `this` is the object holding `value`: the ancestors above it are done with.
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    return value;
  });
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function safeGet(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The longest delay a RetryAfterError or DeferError may ask for: a backoff policy's own ceiling (24 h). */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * How long after its enqueue a job may defer itself (DeferError) without spending an attempt.
 * Past it a deferral is a retry, so a task that defers forever ends after maxAttempts instead of
 * looping. Measured from `enqueuedAt`, which every copy carries unchanged (no counter travels with
 * a job, and a long deferral on SQS moves notBefore): a job scheduled over 24 h ahead of its
 * enqueue spends an attempt on each deferral.
 */
export const DEFER_WINDOW_MS = 86_400_000;

/** How a thrown error steers the next step (BullMQ-style typed errors). */
export function classify(err: unknown): { retryable: boolean; delayMs?: number; defer?: true } {
  if (err instanceof NonRetriableError) return { retryable: false };
  if (err instanceof DeferError) return { retryable: true, ...bounded(err.delayMs), defer: true };
  if (err instanceof RetryAfterError) return { retryable: true, ...bounded(err.delayMs) };
  return { retryable: true };
}

/**
 * A DeferError spends no attempt while the job is this young; an enqueuedAt that does not parse is
 * not. Nor is one further ahead of this clock than the window (a foreign producer's year 9999):
 * every deferral was free for ever, the job deferred round the delay tiers without end. One ahead
 * by less (a skewed producer clock) keeps its free deferrals, for two windows at most.
 */
export const withinDeferWindow = (job: Pick<JobEnvelope, 'enqueuedAt'>, nowMs = Date.now()): boolean => {
  const age = nowMs - Date.parse(job.enqueuedAt);
  return age < DEFER_WINDOW_MS && age > -DEFER_WINDOW_MS;
};

// NaN (a Retry-After header that did not parse) went to the broker as the delay, and Infinity
// became a timer that fires at once: NaN falls back to the backoff policy, the rest is bounded.
function bounded(ms: unknown): { delayMs?: number } {
  if (typeof ms !== 'number' || Number.isNaN(ms)) return {};
  return { delayMs: Math.round(Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms))) };
}

/** A result the task's output schema refuses: not retried (the same code returns the same). */
export class OutputSchemaError extends Error {
  constructor(message: string) {
    super(`result does not match the task's output schema: ${message}`);
    this.name = 'OutputSchemaError';
  }
}
