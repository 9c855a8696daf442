import { isTerminal, type JobRecord, type ResultStore, ValidationError } from '@warren/core';

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
 * not exist (undefined) or is already finished answers at once. Stores that hear of completions
 * (the TCP Redis store's pub/sub `waitFor`) answer as soon as the job finishes; for the others
 * the record is re-read with backoff (25 ms doubling to 500 ms).
 */
export async function waitForJob(
  results: ResultStore,
  id: string,
  waitMs: number,
  signal?: AbortSignal,
  /** Runs on the first read, before any waiting: may the caller see this record at all? */
  check?: (rec: JobRecord) => void,
): Promise<JobRecord | undefined> {
  const until = Date.now() + waitMs;
  let rec = await results.get(id);
  if (rec) check?.(rec);
  if (!rec || isTerminal(rec.state) || waitMs <= 0) return rec;
  if (results.waitFor) return results.waitFor(id, waitMs, { signal });
  for (let delay = 25; rec && !isTerminal(rec.state) && Date.now() < until && !signal?.aborted; ) {
    await new Promise((r) => setTimeout(r, Math.min(delay, until - Date.now())));
    delay = Math.min(500, delay * 2);
    rec = await results.get(id);
  }
  return rec;
}
