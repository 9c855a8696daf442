import { redactUrlCredentials } from '../logs/redact-url-credentials';
import type { ExecutionEvent } from '../metrics/types';

export interface FailureEntry {
  at: string;
  jobId: string;
  task: string;
  queue: string;
  region: string;
  attempt: number;
  maxAttempts: number;
  /**
   * `retried`: another attempt follows; `failed`: final, dead-lettered; `expired`: the run threw
   * and its retry would come due after the job's expiresAt, so the job ended expired (no DLQ).
   */
  outcome: 'retried' | 'failed' | 'expired';
  error: { type: string; message: string };
}

/** The last N failed attempts (newest first), fed by executor events, for the dashboard. */
export function createRecentFailures(size = 50) {
  const ring: FailureEntry[] = [];
  return {
    onEvent(e: ExecutionEvent): void {
      if (e.repeat) return; // a repeat is listed already
      // An expiry with an error is a run that threw (one expired before it ran, or a deferral, has none).
      if (e.type !== 'failed' && e.type !== 'retried' && !(e.type === 'expired' && e.error)) return;
      ring.unshift({
        at: new Date().toISOString(),
        jobId: e.job.id,
        task: e.job.task,
        queue: e.job.queue,
        region: e.job.origin,
        attempt: e.attempt,
        maxAttempts: e.job.maxAttempts,
        outcome: e.type,
        // Served by /status.json and the dashboard: mask what the log lines mask (a task's error
        // often quotes the URL it failed on, credentials included).
        error: {
          type: e.error?.type ?? 'Error',
          message: redactUrlCredentials(e.error?.message ?? e.reason ?? ''),
        },
      });
      if (ring.length > size) ring.length = size;
    },
    list: (): FailureEntry[] => [...ring],
  };
}

export type RecentFailures = ReturnType<typeof createRecentFailures>;
