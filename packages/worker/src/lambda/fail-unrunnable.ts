import type { Delivery, ExecutionEvent, JobError, ResultStore } from '@warren/core';

/** Fails a job without running it (the Lambda handlers' `neverFits`): record, then DLQ with `why`. */
export type FailUnrunnable = (delivery: Delivery, error: JobError, why: string) => Promise<void>;

/**
 * Writes `failed` with the error, as the executor fails a job before its run (unknown task,
 * invalid input): the record is created from the envelope when missing; a job already finished
 * is a duplicate, acked and skipped; one already failed (its DLQ copy came back) is
 * dead-lettered again.
 */
export function failUnrunnable(
  results: ResultStore,
  ttlSOf: (task: string) => number,
  onEvent?: (e: ExecutionEvent) => void,
): FailUnrunnable {
  return async (delivery, error, why) => {
    const { job, attempt } = delivery;
    const out = await results.transition(job.id, 'failed', {
      task: job.task,
      queue: job.queue,
      input: job.input,
      enqueuedAt: job.enqueuedAt,
      maxAttempts: job.maxAttempts,
      region: job.origin,
      notBefore: job.notBefore,
      expiresAt: job.expiresAt,
      idempotencyKey: job.idempotencyKey,
      error,
      ttlS: ttlSOf(job.task),
      returnRecord: false,
    });
    const repeat = !out.ok && out.reason === 'already-finished' && out.state === 'failed';
    if (!out.ok && out.reason !== 'illegal' && !repeat) {
      await delivery.ack();
      onEvent?.({ type: 'skipped', job, attempt, reason: out.reason });
      return;
    }
    const reason = `${why}: ${error.type}: ${error.message}`;
    await delivery.deadLetter(reason);
    onEvent?.({ type: 'failed', job, attempt, error, reason, ...(repeat && { repeat: true as const }) });
  };
}

/** Without a result store at hand (handlers built alone): the DLQ copy carries the reason. */
export const deadLetterUnrunnable: FailUnrunnable = (delivery, error, why) =>
  delivery.deadLetter(`${why}: ${error.type}: ${error.message}`);
