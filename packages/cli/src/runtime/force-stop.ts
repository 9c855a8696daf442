import type { Worker } from '@warren/worker';
import type { ShutdownOptions } from './shutdown';

/** How long a second Ctrl-C leaves the aborted jobs to stop before the process exits. */
const FORCE_GRACE_MS = 3000;

/**
 * onShutdown's second-signal behaviour for a process running worker `w` (`warren worker`, `warren
 * dev`): its running jobs aborted and handed back unspent, a few seconds at most, instead of left
 * `running` behind their leases and then failed as a lost worker's on their last attempt.
 * `after`: what else the exit leaves behind (an in-memory broker's jobs), said on its own line.
 */
export function forceStopOptions(
  w: Pick<Worker, 'abort' | 'health' | 'workerId'>,
  leaseMarginMs: number,
  after: () => string | undefined = () => undefined,
): Pick<ShutdownOptions, 'onForce' | 'beforeForce'> {
  const leftToLease = `each stays running until its lease lapses (its timeout + ${leaseMarginMs / 1000} s), then another worker takes it over as a lost attempt`;
  const withAfter = (line: string) => [line, after()].filter(Boolean).join('\n');
  return {
    onForce: () => {
      const n = w.health().running;
      return withAfter(n === 0 ? 'no job was running' : `${n} job(s) cut off mid-run: ${leftToLease}`);
    },
    beforeForce: async () => {
      const left = await w.abort(FORCE_GRACE_MS);
      return withAfter(
        left === 0
          ? `worker ${w.workerId}: running jobs handed back; exiting`
          : `worker ${w.workerId}: ${left} job(s) did not stop within ${FORCE_GRACE_MS} ms: ${leftToLease}`,
      );
    },
  };
}
