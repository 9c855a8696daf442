/** Thrown by a task: fail now, do not retry (BullMQ's UnrecoverableError). */
export class NonRetriableError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'NonRetriableError';
  }
}

/** Thrown by a task: retry after exactly `delayMs` instead of the backoff policy's delay. */
export class RetryAfterError extends Error {
  readonly delayMs: number;
  constructor(message: string, delayMs: number, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'RetryAfterError';
    this.delayMs = delayMs;
  }
}

/**
 * Thrown by a task: not a failure, run me again after `delayMs` (BullMQ's DelayedError, without
 * its moveToDelayed call). No attempt is spent and no error is recorded: the record waits in
 * `retrying`. Free only within DEFER_WINDOW_MS (24 h) of the job's enqueue; past it, it counts
 * as a RetryAfterError, so a task that defers forever ends after maxAttempts.
 */
export class DeferError extends Error {
  readonly delayMs: number;
  constructor(message: string, delayMs: number, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'DeferError';
    this.delayMs = delayMs;
  }
}

/** The task ran past its timeout (or the invocation's remaining time); retryable. */
export class TaskTimeoutError extends Error {
  constructor(ms: number) {
    super(`task timed out after ${ms} ms`);
    this.name = 'TaskTimeoutError';
  }
}

/** The job was cancelled while it ran (`DELETE /v1/jobs/:id`): the reason its `ctx.signal` aborts. */
export class JobCancelledError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was cancelled`);
    this.name = 'JobCancelledError';
  }
}
