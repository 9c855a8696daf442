import type { JobRecord } from '@warren/protocol';
import type { WarrenConfig } from '../config/define-config';
import { MAX_RETRY_AFTER_MS } from '../executor/errors';
import { msUntil } from '../ms-until';
import type { TransitionPatch } from '../ports/result-store';

/**
 * The patch that cancels `rec` (`DELETE /v1/jobs/:id`, the direct client's `cancel`). The record
 * must outlive the job's next delivery: one that found no record then was run (the worker creates
 * the record). So it keeps the longer of the result TTLs (config's, the task's), plus the time
 * left until `notBefore` for a scheduled job, or the longest retry delay (24 h: backoff and
 * RetryAfterError are capped there) for a job waiting for its retry, whose due time is not kept.
 */
export function cancelPatch(
  rec: Pick<JobRecord, 'task' | 'state' | 'notBefore'>,
  config: Pick<WarrenConfig, 'tasks' | 'results'>,
  nowMs = Date.now(),
): TransitionPatch {
  const ttlS = Math.max(config.results.ttlS, config.tasks.get(rec.task)?.resultTtlS ?? 0);
  const waitMs = rec.state === 'retrying' ? MAX_RETRY_AFTER_MS : msUntil(rec.notBefore, nowMs);
  return { ttlS: ttlS + Math.ceil(waitMs / 1000) };
}
