import type { JobEnvelope } from '@warren/protocol';

/**
 * A job due within this is waited out by its consumer rather than handed back: an SQS copy's
 * DelaySeconds is whole seconds (up to a second, and a receive, late), a RabbitMQ remainder under
 * the smallest delay tier would go round that tier again.
 */
export const HOLD_UNDER_MS = 1000;

/**
 * Resolves once `dueMs` (epoch ms) has passed by the wall clock (a timer may fire a tick early):
 * how a consumer waits out a job nearly due instead of sending it round a delay again.
 */
export async function holdUntil(dueMs: number): Promise<void> {
  for (let left = dueMs - Date.now(); left > 0; left = dueMs - Date.now())
    await new Promise((r) => setTimeout(r, left));
}

/**
 * The copy a retry or deferral publishes, its due time in the body too (`notBefore`, a Celery
 * `eta`). A delay longer than a tier comes back to the queue early; warren's consumers send it on
 * by the tier's header, but a Python Celery worker reads `eta` and the SQS bridge drops headers:
 * with the job's first notBefore (none) they ran the early copy at once.
 */
export function copyDueIn(job: JobEnvelope, attempt: number, delayMs: number): JobEnvelope {
  if (!(delayMs > 0)) return { ...job, attempt };
  return { ...job, attempt, notBefore: new Date(Date.now() + delayMs).toISOString() };
}
