import { QueueFullError, TransportError } from '@warren/core';
import type { Replies } from 'amqplib';
import type { QueueSpec } from '../topology/queue-arguments';

/**
 * RabbitMQ answers a publish refused by `x-overflow: reject-publish` with a plain basic.nack: the
 * nack carries no reason. A nack is read as "queue full" only when the queue has a configured
 * `maxLength` and a passive declare shows it at the length from which it refuses (see fullFrom);
 * otherwise it is a recoverable transport error (e.g. a quorum queue without a leader). One
 * check per queue per `cacheMs` however many publishes were nacked.
 */
export function createQueueFullCheck(
  specOf: (queue: string) => Pick<QueueSpec, 'maxLength' | 'type'> | undefined,
  checkQueue: (queue: string) => Promise<Replies.AssertQueue>,
  cacheMs = 250,
) {
  const recent = new Map<string, { at: number; verdict: Promise<boolean> }>();
  return async (queue: string): Promise<TransportError> => {
    const spec = specOf(queue);
    const nacked = new TransportError(`broker refused the publish to ${queue} (nack)`, true);
    if (spec?.maxLength === undefined) return nacked;
    const full = fullFrom(spec.maxLength, spec.type);
    let entry = recent.get(queue);
    if (!entry || Date.now() - entry.at > cacheMs) {
      entry = {
        at: Date.now(),
        verdict: checkQueue(queue).then(
          (ok) => ok.messageCount >= full,
          () => false,
        ),
      };
      recent.set(queue, entry);
    }
    return (await entry.verdict) ? new QueueFullError(queue) : nacked;
  };
}

/**
 * The ready count from which a nack is the length limit's, less 1 % for consumers racing the
 * check. A classic queue refuses at `max`. A quorum queue (the default type) refuses once over
 * `max` and goes on refusing until it is back to 80 % of it (rabbit_fifo's low-water mark): read
 * as at `max` only, a queue at 90 % after a burst answered 503 "no region could confirm" instead
 * of 429, and its region was marked as failing.
 */
export function fullFrom(max: number, type: QueueSpec['type'] = 'quorum'): number {
  const refusesFrom = type === 'classic' ? max : Math.floor(max * 0.8) + 1;
  return refusesFrom - Math.floor(max / 100);
}
