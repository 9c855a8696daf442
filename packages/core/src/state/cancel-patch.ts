import type { JobRecord } from '@warren/protocol';
import type { WarrenConfig } from '../config/define-config';
import { msUntil } from '../ms-until';
import type { TransitionPatch } from '../ports/result-store';

/**
 * The patch that cancels `rec` (`DELETE /v1/jobs/:id`, the direct client's `cancel`). The record
 * must outlive the job's run date: a job cancelled more than the result TTL before it was due
 * found no record when it came due, and the worker ran it.
 */
export function cancelPatch(
  rec: Pick<JobRecord, 'task' | 'notBefore'>,
  config: Pick<WarrenConfig, 'tasks' | 'results'>,
  nowMs = Date.now(),
): TransitionPatch {
  const ttlS = config.tasks.get(rec.task)?.resultTtlS ?? config.results.ttlS;
  return { ttlS: ttlS + Math.ceil(msUntil(rec.notBefore, nowMs) / 1000) };
}
