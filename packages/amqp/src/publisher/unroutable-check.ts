import { TransportError } from '@warren/core';
import type { Replies } from 'amqplib';
import { classifyAmqpError } from '../errors/classify-amqp-error';

/**
 * Why RabbitMQ returned a publish to `queue` (basic.return, no route). The return is the same for
 * a queue that does not exist and for a classic queue whose home node is down (3.10: an
 * unreplicated queue in a cluster): a passive declare tells them apart. A queue that is not there
 * is refused for good; one whose node is down (or one that exists again) may take the message on
 * a later try, so the publish is recoverable. One check per queue per `cacheMs` however many
 * publishes came back.
 */
export function createUnroutableCheck(
  checkQueue: (queue: string) => Promise<Replies.AssertQueue>,
  cacheMs = 250,
) {
  const recent = new Map<string, { at: number; verdict: Promise<TransportError> }>();
  return (queue: string): Promise<TransportError> => {
    let entry = recent.get(queue);
    if (!entry || Date.now() - entry.at > cacheMs) {
      const verdict = checkQueue(queue).then(
        () => new TransportError(`publish to ${queue} came back unroutable although the queue exists`, true),
        (err: unknown) => {
          const e = classifyAmqpError(err, `publish to ${queue} came back unroutable`);
          return e.recoverable
            ? e
            : new TransportError(`unroutable: no queue ${queue} (basic.return)`, false);
        },
      );
      entry = { at: Date.now(), verdict };
      recent.set(queue, entry);
      if (recent.size > 1000) recent.delete(recent.keys().next().value as string);
    }
    return entry.verdict;
  };
}
