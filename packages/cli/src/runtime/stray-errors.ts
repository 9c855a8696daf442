import type { Logger } from '@warren/observability';
import type { BeginShutdown } from './shutdown';

/** The parts of `process` used here; tests pass an EventEmitter. */
export interface StrayErrorProcess {
  on(event: 'unhandledRejection' | 'uncaughtException', handler: (err: unknown) => void): unknown;
}

/**
 * Keeps one task's stray error from killing every job in flight. Node's default ends the process
 * at once on an unhandled rejection (a task's promise it did not await) or an exception thrown
 * from a timer or callback, so the other running jobs were cut off mid-task and stayed 'running'
 * behind their leases. A rejection is logged and the worker carries on (it cannot have broken the
 * worker's own state, which awaits its promises); an uncaught exception may have, so the jobs in
 * flight are drained, as on SIGTERM, and the process exits 1.
 */
export function handleStrayErrors(
  logger: Pick<Logger, 'error'>,
  shutdown: BeginShutdown,
  proc: StrayErrorProcess = process,
): void {
  proc.on('unhandledRejection', (err) =>
    logger.error({ err }, 'unhandled promise rejection (a task did not await a promise?); carrying on'),
  );
  proc.on('uncaughtException', (err) => {
    logger.error({ err }, 'uncaught exception: draining the jobs in flight, then exiting 1');
    shutdown('uncaught exception', 1);
  });
}
