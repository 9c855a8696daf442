import type { JobEnvelope } from '@warren/core';
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

/** Producer events as log lines: one per accepted job, one per failed publish attempt. */
export function logProducerEvents(logger: Logger) {
  return (e: ProducerEvent): void => {
    if (e.type === 'enqueued') {
      logger.child(jobBindings(e.job, { region: e.region })).info('job enqueued');
    } else if (e.type === 'publish' && !e.ok) {
      const err =
        e.error instanceof Error
          ? { type: e.error.name, message: e.error.message }
          : { message: String(e.error) };
      logger
        .child(jobBindings(e.job, { region: e.region }))
        .warn(
          { latencyMs: Math.round(e.latencyMs), error: err },
          'publish not confirmed; trying the next region',
        );
    } else if (e.type === 'replayed') {
      logger.info({ jobId: e.jobId }, 'idempotent replay');
    }
  };
}

/**
 * Executor events as log lines, each inside the job's trace: `started` opens a span continuing
 * the envelope's `traceparent`, the outcome closes it.
 */
export function logExecutorEvents(logger: Logger) {
  const spans = new Map<string, JobSpan>();
  return (e: ExecutionEvent): void => {
    const key = `${e.job.id}#${e.attempt}`;
    if (e.type === 'started') spans.set(key, startJobSpan(e.job, e.attempt));
    const span = spans.get(key);
    const log = logger.child(jobBindings(e.job, { attempt: e.attempt, traceId: span?.traceId }));
    const ms = e.durationMs !== undefined ? Math.round(e.durationMs) : undefined;
    switch (e.type) {
      case 'started':
        log.info('job started');
        return;
      case 'succeeded':
        log.info({ durationMs: ms }, 'job succeeded');
        break;
      case 'retried':
        log.warn({ durationMs: ms, delayMs: e.delayMs, error: e.error }, 'job attempt failed; retrying');
        break;
      case 'failed':
        log.error({ durationMs: ms, error: e.error, reason: e.reason }, 'job failed');
        break;
      default:
        log.info({ reason: e.reason }, `job ${e.type}`);
    }
    span?.end(e.type === 'failed' || e.type === 'retried' ? e.error : undefined);
    spans.delete(key);
  };
}
