import type { JobEnvelope, JobError } from '@warren/protocol';
import type { TransitionPatch } from '../ports/result-store';

/**
 * The record as the job's first transition would create it (a store creates the record from
 * these fields when it is missing, e.g. for a job published straight to the broker). Built per
 * write as one literal: spreading a shared base into each patch allocated it twice.
 */
export const recordPatch = (
  job: JobEnvelope,
  ttlS: number,
  attempts?: number,
  owner?: string,
  leaseMs?: number,
  error?: JobError,
): TransitionPatch => ({
  task: job.task,
  queue: job.queue,
  input: job.input,
  enqueuedAt: job.enqueuedAt,
  maxAttempts: job.maxAttempts,
  region: job.origin,
  notBefore: job.notBefore,
  expiresAt: job.expiresAt,
  idempotencyKey: job.idempotencyKey,
  ttlS,
  attempts,
  owner,
  leaseMs,
  error,
});
