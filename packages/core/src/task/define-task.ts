import { type Backoff, MAX_ATTEMPTS, NAME_PATTERN } from '@warren/protocol';
import type { z } from 'zod';
import { checkTaskOptions, parseTaskBackoff } from './check-task-options';

export interface TaskContext {
  readonly jobId: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly queue: string;
  /**
   * Aborted on timeout, cancellation (seen within ~2 s, with a JobCancelledError), a lost lease
   * (the job moved on without this run: LeaseLostError; its result would be refused) or shutdown;
   * pass it to fetch and friends.
   */
  readonly signal: AbortSignal;
  /** W3C trace context of this run (its span when observability runs the worker): pass it on to child jobs and calls. */
  readonly traceparent?: string;
  /** The job's W3C tracestate, if its producer sent one: pass it on with `traceparent`. */
  readonly tracestate?: string;
  /** Stores progress on the job record (also renews the lease); does nothing once the run is over (timed out, aborted). A report the store cannot take for the moment (unreachable) is dropped, not thrown. */
  progress(value: unknown): Promise<void>;
}

export interface RetryPolicy {
  maxAttempts: number;
  backoff: Backoff;
}

export interface TaskOptions<TIn extends z.ZodType, TOut> {
  name: string;
  input: TIn;
  output?: z.ZodType<TOut>;
  queue?: string;
  retry?: { maxAttempts?: number; backoff?: Partial<Backoff> };
  timeoutMs?: number;
  /**
   * Seconds the result record lives after the job finishes (default: config.results.ttlS); after a
   * run, at least its lease + 60 s (a copy of the job still on its way must find it finished).
   */
  resultTtlS?: number;
  /** Omit for tasks implemented elsewhere (e.g. by Python Celery workers): they can be enqueued, not run. */
  handler?: (input: z.output<TIn>, ctx: TaskContext) => Promise<TOut> | TOut;
}

export interface Task<TIn extends z.ZodType = z.ZodType, TOut = unknown> {
  readonly name: string;
  readonly input: TIn;
  readonly output?: z.ZodType<TOut>;
  readonly queue: string;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  /**
   * True when `timeoutMs` is DEFAULT_TIMEOUT_MS because the task set none: warren's own executor
   * applies it, but it is not the task's to pass on (a Celery message's time_limit would override
   * the Python task's own limit).
   */
  readonly timeoutDefaulted?: boolean;
  readonly resultTtlS?: number;
  readonly handler?: (input: z.output<TIn>, ctx: TaskContext) => Promise<TOut> | TOut;
  /** Type carrier only (never set): lets the SDK infer input and result types. */
  readonly __types?: { input: z.input<TIn>; output: TOut };
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds tasks of every input/output type
export type AnyTask = Task<any, any>;

export const DEFAULT_QUEUE = 'default';
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_TIMEOUT_MS = 60_000;
/** The longest timer setTimeout keeps (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

export function defineTask<TIn extends z.ZodType, TOut = unknown>(
  opts: TaskOptions<TIn, TOut>,
): Task<TIn, TOut> {
  if (!NAME_PATTERN.test(opts.name))
    throw new TypeError(`task name "${opts.name}" must match ${NAME_PATTERN}`);
  checkTaskOptions(opts.name, opts);
  const queue = opts.queue ?? DEFAULT_QUEUE;
  if (!NAME_PATTERN.test(queue))
    throw new TypeError(`task ${opts.name}: queue "${queue}" must match ${NAME_PATTERN}`);
  const maxAttempts = opts.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // The envelope carries at most MAX_ATTEMPTS: past it, every job of the task was refused by the
  // worker as an invalid envelope (dead-lettered unrun).
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
    throw new TypeError(`task ${opts.name}: retry.maxAttempts must be an integer from 1 to ${MAX_ATTEMPTS}`);
  }
  // setTimeout runs anything past 2^31 - 1 ms (Infinity, NaN too) after 1 ms: every run timed out.
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new TypeError(`task ${opts.name}: timeoutMs must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
  }
  if (opts.resultTtlS !== undefined && (!Number.isInteger(opts.resultTtlS) || opts.resultTtlS < 1)) {
    throw new TypeError(`task ${opts.name}: resultTtlS must be an integer ≥ 1`);
  }
  const backoff = parseTaskBackoff(opts.name, opts.retry?.backoff);
  // maxMs bounds every delay (a fixed one used to ignore it): a base above it is a config mistake.
  if (backoff.baseMs > backoff.maxMs) {
    const dflt = opts.retry?.backoff?.maxMs === undefined ? ', the default' : '';
    throw new TypeError(
      `task ${opts.name}: retry.backoff.baseMs (${backoff.baseMs}) exceeds retry.backoff.maxMs (${backoff.maxMs}${dflt}); raise maxMs or lower baseMs`,
    );
  }
  return Object.freeze({
    name: opts.name,
    input: opts.input,
    output: opts.output,
    queue,
    retry: { maxAttempts, backoff },
    timeoutMs,
    ...(opts.timeoutMs === undefined ? { timeoutDefaulted: true } : {}),
    resultTtlS: opts.resultTtlS,
    handler: opts.handler,
  });
}
