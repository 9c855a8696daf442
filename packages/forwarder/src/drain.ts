import { ForwardLink, type LinkOptions } from './link';
import type { LinkSpec, LinkStatus } from './types';

export interface DrainOptions extends LinkOptions {
  links: LinkSpec[];
  /** Absolute time (epoch ms) by which everything must be settled and closed. */
  deadlineMs: number;
  /** Time kept back for settling in-flight messages and closing. Default 5 s. */
  settleMs?: number;
  /** Stop early once every link has been idle (nothing in flight, source empty) this long. Default 3 s; 0 = never. */
  idleStopMs?: number;
}

export interface DrainResult {
  links: LinkStatus[];
  stoppedBecause: 'deadline' | 'idle';
}

/**
 * A bounded run of the same links for a scheduled Lambda: forward until the deadline minus the
 * settle time (or until there is nothing left to do), then stop consuming, settle what is in
 * flight, and close. Anything not confirmed by then stays unacked and is redelivered next run.
 */
export async function drain(opts: DrainOptions): Promise<DrainResult> {
  const settleMs = opts.settleMs ?? 5000;
  const idleStopMs = opts.idleStopMs ?? 3000;
  const links = opts.links.map(
    (s) => new ForwardLink({ ...s, lagIntervalMs: s.lagIntervalMs ?? 1000 }, opts),
  );
  for (const l of links) l.start();
  let idleSince = Date.now();
  let stoppedBecause: DrainResult['stoppedBecause'] = 'deadline';
  // Time for closing both connections after settling (closeQuietly waits at most 1 s each side).
  const closeMs = 1000;
  while (Date.now() < opts.deadlineMs - settleMs - closeMs) {
    await new Promise((r) => setTimeout(r, 100));
    const st = links.map((l) => l.status());
    // Idle: another instance holds the link, or its source queue does not exist (a region where
    // no job for that queue was ever published), or it runs with nothing in flight or waiting.
    const busy = st.some(
      (s) =>
        s.state !== 'standby' &&
        !s.sourceMissing &&
        (s.state !== 'running' || s.inFlight > 0 || s.lag === undefined || s.lag > 0),
    );
    if (busy) idleSince = Date.now();
    else if (idleStopMs > 0 && Date.now() - idleSince >= idleStopMs) {
      stoppedBecause = 'idle';
      break;
    }
  }
  const left = Math.max(200, opts.deadlineMs - Date.now() - closeMs);
  await Promise.all(links.map((l) => l.stop(Math.min(settleMs, left))));
  return { links: links.map((l) => l.status()), stoppedBecause };
}
