import { TransportError } from '@warren/protocol';

/** How long past a wait's end a store call started within it may still answer (a read at the end). */
export const WAIT_GRACE_MS = 500;
/** The longest delay setTimeout takes (2^31 - 1 ms, ~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

// Edge runtimes have no setImmediate: a timer comes after I/O there too.
const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
const afterIo: (fn: () => void) => void = immediate ? (fn) => immediate(fn) : (fn) => setTimeout(fn, 0);

/**
 * `p`, or a recoverable TransportError once it is still pending WAIT_GRACE_MS after `until`.
 * A Redis that stops answering (a partition, a frozen server) holds each call until its 10 s
 * command timeout, so a `waitFor(id, 1000)` (the ingest's `?wait=1s`) answered after 10 s, and
 * a 30 s wait past any gateway's limit. The call itself goes on and ends at its own timeout.
 */
export function beforeWaitEnd<T>(p: Promise<T>, until: number, op: string): Promise<T> {
  const ms = Math.max(0, until - Date.now()) + WAIT_GRACE_MS;
  // A wait with no end (Infinity, or past what a timer holds: Node fires those at once) bounds nothing.
  if (!(ms <= MAX_TIMER_MS)) return p;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      // After this turn's I/O: a reply already read off the socket settles `p` first, so a busy
      // event loop (both due at once) does not turn an answered call into an error.
      () =>
        afterIo(() =>
          reject(
            new TransportError(`result store ${op} did not answer by the end of the wait`, true, {
              code: 'result-store-unavailable',
            }),
          ),
        ),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
