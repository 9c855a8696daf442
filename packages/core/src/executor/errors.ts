import type { JobError } from '@warren/protocol';
import { NonRetriableError, RetryAfterError } from '../task/task-errors';

export function toJobError(err: unknown, retryable: boolean): JobError {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    type: e.name || 'Error',
    message: e.message.slice(0, 4000),
    retryable,
    ...(e.stack ? { stack: e.stack.slice(0, 4000) } : {}),
  };
}

/** How a thrown error steers the next step (BullMQ-style typed errors). */
export function classify(err: unknown): { retryable: boolean; delayMs?: number } {
  if (err instanceof NonRetriableError) return { retryable: false };
  if (err instanceof RetryAfterError) return { retryable: true, delayMs: Math.max(0, err.delayMs) };
  return { retryable: true };
}
