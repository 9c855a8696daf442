import type { Logger } from '@warren/observability';

type Level = 'info' | 'warn';

/** The forwarder's `log` option: restarts (a link's error) come at warn, running/standby at info. */
export function forwarderLog(logger: Pick<Logger, Level>): (message: string, level?: Level) => void {
  return (m, level = 'info') => logger[level](m);
}
