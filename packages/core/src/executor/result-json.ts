import { TransportError } from '@warren/protocol';
/**
 * Why a task's result cannot be stored as JSON, or undefined when it can. Run only after a
 * failed write (and for the cheap top-level cases before it), never per job on the success path.
 */
export function resultJsonProblem(value: unknown): string | undefined {
  const kind = typeof value;
  if (kind === 'function' || kind === 'symbol') return `the task returned a ${kind}, which JSON cannot hold`;
  try {
    JSON.stringify(value);
    return undefined;
  } catch (err) {
    return `the task's result cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Why the store refused a result for good (a non-recoverable store error: a request over the
 * endpoint's size limit, a value Redis will not take), or undefined for trouble worth a retry.
 * Released, such a job would run again on every delivery and be refused every time.
 */
export function resultStoreRefusal(err: unknown): string | undefined {
  if (!(err instanceof TransportError) || err.recoverable) return undefined;
  return `the result store refused the task's result: ${err.message}`;
}

/** The top-level values JSON cannot hold at all, checked before the result write (a typeof). */
export const unstorable = (value: unknown): boolean => {
  const kind = typeof value;
  return kind === 'function' || kind === 'symbol' || kind === 'bigint';
};
