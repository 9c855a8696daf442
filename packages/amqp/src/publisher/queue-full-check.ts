import { QueueFullError, TransportError } from '@warren/core';
import type { Replies } from 'amqplib';

/**
 * RabbitMQ answers a publish refused by `x-overflow: reject-publish` with a plain basic.nack: the
 * nack carries no reason. A nack is read as "queue full" only when the queue has a configured
 * `maxLength` and a passive declare shows it at (or within 1 % of, for consumers racing the
 * check) that length; otherwise it is a recoverable transport error (e.g. a quorum queue
 * without a leader). One check per queue per `cacheMs` however many publishes were nacked.
 */
export function createQueueFullCheck(
  maxLength: (queue: string) => number | undefined,
  checkQueue: (queue: string) => Promise<Replies.AssertQueue>,
  cacheMs = 250,
) {
  const recent = new Map<string, { at: number; verdict: Promise<boolean> }>();
  return async (queue: string): Promise<TransportError> => {
    const max = maxLength(queue);
    const nacked = new TransportError(`broker refused the publish to ${queue} (nack)`, true);
    if (max === undefined) return nacked;
    let entry = recent.get(queue);
    if (!entry || Date.now() - entry.at > cacheMs) {
      entry = {
        at: Date.now(),
        verdict: checkQueue(queue).then(
          (ok) => ok.messageCount >= max - Math.floor(max / 100),
          () => false,
        ),
      };
      recent.set(queue, entry);
    }
    return (await entry.verdict) ? new QueueFullError(queue) : nacked;
  };
}
