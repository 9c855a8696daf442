import { TransportError } from '@warren/protocol';

/**
 * A scheduled job's record write is tried again only while it is due this long from now: a try
 * the store holds (its 10 s command timeout, a late landing behind it) still lands before a worker
 * can take the job. Later, a `scheduled` record written after the job ran and its record expired
 * would show it waiting for good.
 */
export const LATE_CREATE_MARGIN_MS = 30_000;
/** Records tried again at once per producer (each holds its job's input); more are not. */
const MAX_PENDING = 1000;
const MAX_PAUSE_MS = 5000;

/**
 * The record of a scheduled job whose write failed on a store down for a moment (the broker
 * confirmed: the job is accepted), written again in the background, with growing pauses, until
 * a try is answered (made, or refused: a record exists), the store refuses it for good or the job
 * is nearly due. Otherwise it had no record until a worker took it at its due time: GET and
 * DELETE answered 404 the whole delay, the job neither readable nor cancellable. (A job due now
 * gets its record from the worker that takes it, soon.) The timers do not keep a process alive.
 */
export function createLater() {
  let pending = 0;
  return (write: () => Promise<unknown>, notBefore: string, err: unknown): void => {
    const until = Date.parse(notBefore) - LATE_CREATE_MARGIN_MS;
    if (!(err instanceof TransportError && err.recoverable) || pending >= MAX_PENDING) return;
    pending++;
    const again = (pauseMs: number) => {
      if (Date.now() + pauseMs >= until) {
        pending--;
        return;
      }
      const timer = setTimeout(
        () =>
          write().then(
            () => pending--,
            (e: unknown) => {
              if (e instanceof TransportError && !e.recoverable) pending--;
              else again(Math.min(pauseMs * 2, MAX_PAUSE_MS));
            },
          ),
        pauseMs,
      ) as { unref?: () => void };
      timer.unref?.();
    };
    again(100);
  };
}
