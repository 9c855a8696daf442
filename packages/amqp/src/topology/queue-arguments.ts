import type { QueueConfig } from '@warren/core';

/** The subset of a queue's config the topology needs (config.queues entries, all optional here). */
export type QueueSpec = Partial<
  Pick<QueueConfig, 'type' | 'maxLength' | 'messageTtlMs' | 'maxPriority' | 'protocol' | 'sqs'>
>;

export const dlqName = (queue: string) => `${queue}.dlq`;

/**
 * Arguments of a work queue. Dead-lettering (expired TTL, reject without requeue) goes through the
 * default exchange to `<queue>.dlq`. A length limit uses `reject-publish` so a full queue refuses
 * (nack → QueueFullError) instead of silently dropping the oldest job.
 */
export function workQueueArguments(name: string, spec: QueueSpec = {}): Record<string, unknown> {
  const type = spec.type ?? 'quorum';
  const args: Record<string, unknown> = {
    'x-queue-type': type,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': dlqName(name),
  };
  if (spec.maxLength !== undefined) {
    args['x-max-length'] = spec.maxLength;
    args['x-overflow'] = 'reject-publish';
  }
  if (spec.messageTtlMs !== undefined) args['x-message-ttl'] = spec.messageTtlMs;
  if (spec.maxPriority !== undefined) {
    // RabbitMQ 3.10 quorum queues ignore priorities (they arrive in 3.12+ as two levels only), so
    // a priority queue has to be classic here; refuse the silent downgrade.
    if (type !== 'classic')
      throw new Error(
        `queue ${name}: maxPriority needs type 'classic' (quorum queues have no priorities on RabbitMQ 3.10)`,
      );
    args['x-max-priority'] = spec.maxPriority;
  }
  return args;
}

/** The dead-letter queue mirrors the work queue's type; it has no limit so nothing is dropped. */
export function deadLetterQueueArguments(spec: QueueSpec = {}): Record<string, unknown> {
  return { 'x-queue-type': spec.type ?? 'quorum' };
}
