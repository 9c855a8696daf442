import type { JobRecord, JobState } from '@warren/protocol';
import type { WarrenConfig } from '../config/define-config';
import type { ResultStore } from '../ports/result-store';

/** A job in these states has not started its (next) attempt: past its expiresAt it never will. */
const WAITING: ReadonlySet<JobState> = new Set(['queued', 'scheduled', 'retrying']);

/** Ms until a waiting record's expiresAt (<= 0: past it); undefined when it has none or runs. */
export function msUntilOverdue(rec: JobRecord, nowMs = Date.now()): number | undefined {
  const at = rec.expiresAt && WAITING.has(rec.state) ? Date.parse(rec.expiresAt) : Number.NaN;
  return Number.isNaN(at) ? undefined : at - nowMs;
}

/**
 * `rec`, recorded `expired` when it still waits past its expiresAt. A worker that gets such a job
 * records it expired without running it, but one may never get it: RabbitMQ dead-letters a job
 * that outlives its queue's `x-message-ttl` (messageTtlMs) without telling anyone, and its record
 * stayed `queued` (a waiter waited out its timeout). Atomic, as every transition: a worker that
 * started the job meanwhile wins, and this answers the record as it then is.
 */
export async function expireOverdue(
  results: ResultStore,
  rec: JobRecord,
  config: Pick<WarrenConfig, 'tasks' | 'results'>,
  nowMs = Date.now(),
): Promise<JobRecord> {
  const left = msUntilOverdue(rec, nowMs);
  if (left === undefined || left > 0) return rec;
  const ttlS = config.tasks.get(rec.task)?.resultTtlS ?? config.results.ttlS;
  // unlessLeased: a worker that started the job since `rec` was read keeps it (an ownerless end
  // was a cancel's, which ends a running job too).
  const out = await results.transition(rec.id, 'expired', { ttlS, unlessLeased: true });
  if (out.ok && out.record) return out.record;
  return (await results.get(rec.id)) ?? rec;
}
