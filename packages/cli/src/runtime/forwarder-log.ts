import type { Logger } from '@warren/observability';

// The forwarder reports through a plain string callback; a link that failed and restarts says so
// as `link <name>: <error>; restarting in <n> ms` (packages/forwarder link.ts).
const RESTART = /; restarting in \d+ ms$/;

/** The forwarder's `log` option: restarts (a link's error) at warn, running/standby at info. */
export function forwarderLog(logger: Pick<Logger, 'info' | 'warn'>): (message: string) => void {
  return (m) => (RESTART.test(m) ? logger.warn(m) : logger.info(m));
}
