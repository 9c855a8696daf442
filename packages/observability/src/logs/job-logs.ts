import { context, trace } from '@opentelemetry/api';
import type { JobEnvelope, JobError, JobRecord, RunScope } from '@warren/core';
import type { ExecutionEvent, ProducerEvent } from '../metrics/types';
import { type JobSpan, startJobSpan, traceIdOf } from '../trace/trace-context';
import type { Logger } from './create-logger';

/** The bindings every job log line carries, so one job can be followed from ingest to worker. */
export function jobBindings(
  job: JobEnvelope,
  extra: { attempt?: number; region?: string; traceId?: string } = {},
) {
  return {
    jobId: job.id,
    task: job.task,
    queue: job.queue,
    region: extra.region ?? job.origin,
    ...(extra.attempt !== undefined ? { attempt: extra.attempt } : {}),
    traceId: extra.traceId ?? traceIdOf(job.traceparent),
  };
}

export const jobLogger = (logger: Logger, job: JobEnvelope, attempt?: number): Logger =>
  logger.child(jobBindings(job, { attempt }));

/**
 * The logger the per-job lines go through: the caller's, minus path redaction. Why: pino
 * redacted every job line (and every per-job child's bindings) against ~35 secret paths, wildcards
 * included: ~2.8 µs a line, the largest part of ~40 µs of logging per job in the worker. These
 * lines carry only fixed fields (ids, names, numbers and a JobError's type, message, retryable and
 * stack, copied field by field below), none of which a redact path can match; credentials inside
 * an error message are still scrubbed, by the logger's `streamWrite` hook, which every line passes.
 * No child per event either: the bindings go in as the line's own fields.
 */
const jobLines = (logger: Logger): Logger => logger.child({}, { redact: [] });

const errorFields = (e: JobError | undefined) =>
  e && { type: e.type, message: e.message, retryable: e.retryable, ...(e.stack ? { stack: e.stack } : {}) };

const NO_OUTCOME = { type: 'NoOutcome', message: 'no outcome was reported for this attempt' };
/** An expired run with no error (it deferred) whose next try would come due past expiresAt. */
const EXPIRED = {
  type: 'Expired',
  message: "the attempt's next try would come due after the job's expiresAt",
};

/** Producer events as log lines: one per accepted job, one per failed publish attempt. */
export function logProducerEvents(logger: Logger) {
  const lines = jobLines(logger);
  return (e: ProducerEvent): void => {
    if (e.type === 'enqueued') {
      lines.info(jobBindings(e.job, { region: e.region }), 'job enqueued');
    } else if (e.type === 'publish' && !e.ok) {
      // An arbitrary error object: logged through the caller's logger, redaction and all.
      const err =
        e.error instanceof Error
          ? { type: e.error.name, message: e.error.message }
          : { message: String(e.error) };
      // Only a recoverable error moves on (publish-with-failover): a refusal (a queue declared
      // with other arguments, a full queue) is the answer, and this line said a region was tried.
      const moves = (e.error as { recoverable?: unknown } | undefined)?.recoverable !== false;
      logger.warn(
        { ...jobBindings(e.job, { region: e.region }), latencyMs: Math.round(e.latencyMs), error: err },
        moves
          ? 'publish not confirmed; trying the next region, if any'
          : 'publish refused; not tried in another region (it would be refused the same way)',
      );
    } else if (e.type === 'replayed') {
      lines.info({ jobId: e.jobId }, 'idempotent replay');
    }
  };
}

/**
 * A job made cancelled (`DELETE /v1/jobs/:id`, the ingest's `onCancelled`): the one state change
 * no producer or executor event reports. Without it the logs did not say when a job was cancelled;
 * the worker's 'job skipped' came only once a copy reached a worker, maybe days later, or never.
 * The record keeps no traceparent, so the line has no trace id; `attempts` is how many had started.
 */
export function logJobCancelled(logger: Logger) {
  const lines = jobLines(logger);
  return (rec: Pick<JobRecord, 'id' | 'task' | 'queue' | 'region' | 'attempts'>): void => {
    lines.info(
      { jobId: rec.id, task: rec.task, queue: rec.queue, region: rec.region, attempts: rec.attempts },
      'job cancelled',
    );
  };
}

/**
 * Executor events as log lines, each inside the job's trace: `started` opens a span continuing
 * the envelope's `traceparent`, the outcome closes it.
 */
export function logExecutorEvents(logger: Logger, opts: { maxOpenSpans?: number } = {}) {
  const lines = jobLines(logger);
  const spans = new Map<string, JobSpan>();
  // A job whose outcome write failed (result store down) reports no outcome and is released:
  // its span would stay open forever. Past the cap the oldest open spans are ended as unknown.
  const maxOpen = opts.maxOpenSpans ?? 10_000;
  const onEvent = (e: ExecutionEvent): void => {
    const key = `${e.job.id}#${e.attempt}`;
    if (e.type === 'started') {
      // Started again (a takeover once the first run's lease lapsed, that run having reported no
      // outcome): end the first span rather than drop it unended (never exported).
      const prev = spans.get(key);
      if (prev) {
        prev.end(NO_OUTCOME);
        spans.delete(key); // re-added last: the cap below ends the oldest first
      }
      spans.set(key, startJobSpan(e.job, e.attempt));
      for (const [k, stale] of spans) {
        if (spans.size <= maxOpen) break;
        stale.end(NO_OUTCOME);
        spans.delete(k);
      }
    }
    const span = spans.get(key);
    // A copy deferred behind a lease, or a failed job's DLQ copy, never ran here, but carries the
    // id and attempt of a run that may be in progress (the same job published twice): that run's
    // span is not this event's to end. A DeferError (reason 'task') is the end of a run, though,
    // and so is an expiry with this attempt's span open: a copy that expires unrun while a run of
    // its attempt holds the lease is deferred instead (expire-job.ts), so this is a run that threw
    // with its retry due past expiresAt. Left open, the first was ended as NoOutcome at the job's
    // next start (an error, as long as the deferral), the second never.
    const ran =
      !e.repeat && (e.type === 'deferred' ? e.reason === 'task' : e.type !== 'expired' || span !== undefined);
    const fields = jobBindings(e.job, { attempt: e.attempt, traceId: span?.traceId });
    const ms = e.durationMs !== undefined ? Math.round(e.durationMs) : undefined;
    switch (e.type) {
      case 'started':
        lines.info(fields, 'job started');
        return;
      case 'succeeded':
        lines.info({ ...fields, durationMs: ms }, 'job succeeded');
        break;
      case 'retried':
        lines.warn(
          { ...fields, durationMs: ms, delayMs: e.delayMs, error: errorFields(e.error) },
          'job attempt failed; retrying',
        );
        break;
      case 'failed':
        lines.error(
          { ...fields, durationMs: ms, error: errorFields(e.error), reason: e.reason },
          'job failed',
        );
        break;
      case 'expired':
        // After a run: why it ended (the error it threw) and how long it ran; before: neither.
        lines.info(
          { ...fields, durationMs: ms, error: errorFields(e.error), reason: e.reason },
          'job expired',
        );
        break;
      default:
        lines.info({ ...fields, reason: e.reason }, `job ${e.type}`);
    }
    if (!ran) return;
    span?.end(
      e.type === 'failed' || e.type === 'retried'
        ? e.error
        : e.type === 'expired'
          ? (e.error ?? EXPIRED)
          : undefined,
    );
    spans.delete(key);
  };
  /**
   * `createWorker({ runScope })`: the task runs inside its job span (opened by `started`, just
   * before the run), so spans it makes and jobs it enqueues with `ctx.traceparent` nest under it.
   */
  const runScope: RunScope = (job, attempt, run) => {
    const s = spans.get(`${job.id}#${attempt}`);
    if (!s) return run(job.traceparent);
    return context.with(trace.setSpan(context.active(), s.span), () => run(s.traceparent));
  };
  return Object.assign(onEvent, { openSpans: () => spans.size, runScope });
}
