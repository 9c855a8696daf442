import {
  beforeWaitEnd,
  expireOverdue,
  isTerminal,
  type JobRecord,
  type ResultStore,
  readJob,
  ValidationError,
  type WarrenConfig,
  waitUntilTerminal,
} from '@warren/core';

export const MAX_WAIT_MS = 30_000;

/** Parses `?wait=` as `10s`, `1500ms`, `2m` or a bare number of seconds; capped at 30 s. */
export function parseWait(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m)
    throw new ValidationError('invalid wait', [{ path: 'wait', message: 'use e.g. 10s, 1500ms or 2m' }]);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  return Math.min(MAX_WAIT_MS, Math.round(ms));
}

/**
 * Long-poll: the record once it is terminal, or as it is when the wait runs out. A job that does
 * not exist (undefined) or is already finished answers from the first read; the rest waits in
 * core's `waitUntilTerminal` (the store's push `waitFor`, else polling). With `config`, a job
 * still waiting past its expiresAt is recorded expired (see expireOverdue), and a wait ends then.
 */
export async function waitForJob(
  results: ResultStore,
  id: string,
  waitMs: number,
  signal?: AbortSignal,
  /** Runs on the first read, before any waiting: may the caller see this record at all? */
  check?: (rec: JobRecord) => void,
  config?: Pick<WarrenConfig, 'tasks' | 'results'>,
): Promise<JobRecord | undefined> {
  // A long-poll's first read ends with its wait too: a Redis that stops answering held it for
  // the store's 10 s command timeout whatever the wait (the store bounds the reads that follow).
  // The id as the caller wrote it (UUIDs and ULIDs are case-insensitive): see readJob.
  const reading = readJob(results, id);
  let rec = await (waitMs > 0 ? beforeWaitEnd(reading, Date.now() + waitMs, 'get') : reading);
  if (rec) check?.(rec);
  if (rec && config) rec = await expireOverdue(results, rec, config);
  if (!rec || isTerminal(rec.state) || waitMs <= 0) return rec;
  return waitUntilTerminal(results, rec.id, waitMs, { signal, current: rec, config });
}
