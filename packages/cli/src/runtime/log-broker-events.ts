import type { AmqpEvent, EventSink } from '@warren/amqp';
import { type Logger, redactUrlCredentials } from '@warren/observability';

// Connection state changes only: per-publish and per-message events would flood the log.
const LEVEL: Partial<Record<AmqpEvent['type'], 'info' | 'warn'>> = {
  connected: 'info',
  disconnected: 'warn',
  'connect-failed': 'warn',
  'reconnect-scheduled': 'warn',
  blocked: 'warn',
  unblocked: 'info',
};

/**
 * The broker's connection events as log lines, so the reason a node is unreachable (and every
 * disconnect) is on record. Nodes arrive redacted; error texts may hold a URL, so they are masked.
 */
export function logBrokerEvents(logger: Pick<Logger, 'info' | 'warn'>, region: string): EventSink {
  return (e) => {
    const level = LEVEL[e.type];
    if (!level) return;
    const { type, ...fields } = e;
    if ('error' in fields && fields.error) fields.error = redactUrlCredentials(fields.error);
    logger[level]({ event: type, region, ...fields }, `broker ${type}`);
  };
}
