import { isTerminal, type JobRecord } from '@warren/protocol';
import { onAbort } from '@warren/protocol/on-abort';
import type { WarrenConfig } from '../config/define-config';
import type { ResultStore } from '../ports/result-store';
import { expireOverdue, msUntilOverdue } from './expire-overdue';

export interface PollOptions {
  signal?: AbortSignal;
  /** The record as the caller just read it: polling starts with a pause, not a second read. */
  current?: JobRecord;
  /** Pause before the first re-read (ms), its growth factor and cap. Default 25 ms ×2 to 500 ms. */
  firstMs?: number;
  factor?: number;
  maxMs?: number;
}

/**
 * Reads until the record is terminal, the time runs out or `signal` aborts, with a growing pause
 * between reads; returns the last read (undefined while there is no record).
 */
export async function pollUntilTerminal(
  read: () => Promise<JobRecord | undefined>,
  timeoutMs: number,
  opts: PollOptions = {},
): Promise<JobRecord | undefined> {
  const { signal, factor = 2, maxMs = 500 } = opts;
  const until = Date.now() + timeoutMs;
  let rec = opts.current ?? (await read());
  for (let delay = opts.firstMs ?? 25; ; delay = Math.min(delay * factor, maxMs)) {
    const left = until - Date.now();
    if ((rec && isTerminal(rec.state)) || left <= 0 || signal?.aborted) return rec;
    await pause(Math.min(delay, left), signal);
    // Aborted meanwhile (a long-poll's caller hung up): no read for nobody (Upstash bills it).
    if (signal?.aborted) return rec;
    rec = await read();
  }
}

/** `ms`, or until `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off?.();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const off = signal && onAbort(signal, done);
  });
}

/**
 * The record once it is terminal, or as it is when `timeoutMs` runs out (undefined if there is
 * none): the store's own `waitFor` where it has one (the TCP Redis store answers on the job's
 * done message), else polling. Shared by the ingest's long-poll and `@warren/sdk/direct`'s `wait`.
 * With `config`, a job still waiting at its expiresAt is recorded expired then (expireOverdue).
 */
export async function waitUntilTerminal(
  results: ResultStore,
  id: string,
  timeoutMs: number,
  opts: Pick<PollOptions, 'signal' | 'current'> & { config?: Pick<WarrenConfig, 'tasks' | 'results'> } = {},
): Promise<JobRecord | undefined> {
  const { config, signal } = opts;
  if (!config) return waitOnce(results, id, timeoutMs, opts);
  const until = Date.now() + timeoutMs;
  let rec = opts.current;
  for (;;) {
    const left = until - Date.now();
    const overdueIn = rec && msUntilOverdue(rec);
    // Past it already: the first read of the loop records it.
    const wait = overdueIn === undefined ? left : Math.max(0, Math.min(left, overdueIn + 1));
    rec = await waitOnce(results, id, wait, { signal, current: rec });
    if (rec) rec = await expireOverdue(results, rec, config);
    if (!rec || isTerminal(rec.state) || wait >= left || signal?.aborted) return rec;
  }
}

function waitOnce(
  results: ResultStore,
  id: string,
  timeoutMs: number,
  opts: Pick<PollOptions, 'signal' | 'current'>,
): Promise<JobRecord | undefined> {
  if (results.waitFor) return results.waitFor(id, timeoutMs, { signal: opts.signal, current: opts.current });
  return pollUntilTerminal(() => results.get(id), timeoutMs, opts);
}
