import { TransportError } from '@warren/protocol';
import { retryInBackground } from './retry-in-background';

/**
 * A scheduled job's record write is tried again only while it is due this long from now: a try
 * the store holds (its 10 s command timeout, a late landing behind it) still lands before a worker
 * can take the job. Later, a `scheduled` record written after the job ran and its record expired
 * would show it waiting for good.
 */
export const LATE_CREATE_MARGIN_MS = 30_000;
/**
 * A job due now has its record written again only when a record that ends it lasts this long: a
 * try comes within MAX_PAUSE_MS of the store answering again, before a worker could have taken
 * the job, ended it and seen that record expire (a run's end keeps it 61 s or more; a job failed
 * unrun or cancelled, its task's resultTtlS). A held try lands before the worker's start.
 */
export const QUEUED_MIN_DONE_TTL_S = 60;
/** Records tried again at once per producer (each holds its job's input); more are not. */
const MAX_PENDING = 1000;
const MAX_PAUSE_MS = 5000;

/**
 * The record of a job whose write failed on a store down for a moment (the broker confirmed: the
 * job is accepted), written again in the background, with growing pauses, until a try is
 * answered (made, or refused: a record exists), the store refuses it for good or `until` (epoch
 * ms). Otherwise it had no record until a worker took it: GET, the SDK's wait and DELETE answered
 * 404 for a job the caller was told was accepted, behind a backlog or a delay (a scheduled job's
 * whole delay, neither readable nor cancellable).
 */
export function createLater() {
  let pending = 0;
  return (write: () => Promise<unknown>, until: number, err: unknown): void => {
    if (!(err instanceof TransportError && err.recoverable) || pending >= MAX_PENDING) return;
    pending++;
    retryInBackground(write, until, MAX_PAUSE_MS, () => pending--);
  };
}
