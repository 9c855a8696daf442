import type { AmqpEvent, EventSink } from '@warren/amqp';
import type { Logger } from '@warren/observability';

// Connection state changes and failures only: per-publish and per-message events would flood the
// log. A consumer's channel closed by the broker (consumer_timeout: a task ran past it unacked; its
// queue deleted; a consume refused) and a queue that could not be declared were silent: a worker
// that stopped taking a queue's jobs said nothing.
const LEVEL: Partial<Record<AmqpEvent['type'], 'info' | 'warn'>> = {
  connected: 'info',
  disconnected: 'warn',
  'connect-failed': 'warn',
  'reconnect-scheduled': 'warn',
  blocked: 'warn',
  unblocked: 'info',
  'consumer-error': 'warn',
  'topology-error': 'warn',
};

/**
 * The broker's connection events as log lines, so the reason a node is unreachable (and every
 * disconnect) is on record. Nodes arrive redacted (amqp's redactUrl); URLs inside error texts are
 * masked by createLogger on every line. No value import of @warren/observability here: this file
 * is bundled into the ingest Lambda through createRuntime.
 */
export function logBrokerEvents(logger: Pick<Logger, 'info' | 'warn'>, region: string): EventSink {
  return (e) => {
    const level = LEVEL[e.type];
    if (!level) return;
    const { type, ...fields } = e;
    logger[level]({ event: type, region, ...fields }, `broker ${type}`);
  };
}
