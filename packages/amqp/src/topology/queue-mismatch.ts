import { TransportError } from '@warren/core';

/** The config option behind each argument warren declares (see queue-arguments.ts). */
const OPTION: Record<string, string> = {
  'x-queue-type': 'type',
  'x-max-length': 'maxLength',
  'x-overflow': 'maxLength (reject-publish)',
  'x-message-ttl': 'messageTtlMs',
  'x-max-priority': 'maxPriority',
  'x-dead-letter-exchange': "warren's dead-lettering to <queue>.dlq",
  'x-dead-letter-routing-key': "warren's dead-lettering to <queue>.dlq",
};

// RabbitMQ's text: "inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received '100'
// but current is '10'" (or "the value '5' of type 'byte'", or "none").
const INEQUIVALENT =
  /inequivalent arg '([^']+)' for queue '(.+?)' in vhost '.*?': received (.+?) but current is (.+?)"?$/;

const value = (v: string) => {
  if (v === 'none') return 'not set';
  const typed = /^the value '(.*)' of type '[^']*'$/.exec(v);
  return typed ? `'${typed[1]}'` : v;
};

/**
 * A queue that exists with other arguments than warren declares (warren.config.ts changed after
 * it was declared, or it was made by hand or by Celery): RabbitMQ refuses the declare (406
 * PRECONDITION_FAILED) and can never change a queue's arguments. Not recoverable: said with the
 * queue, the argument, both values and the way out, instead of the broker's bare text.
 */
export class QueueArgumentsMismatchError extends TransportError {
  constructor(
    readonly queue: string,
    readonly argument: string,
    readonly onBroker: string,
    readonly wanted: string,
    cause: unknown,
  ) {
    // A delay tier (warren.delay.*) comes from the adapter's tiers, not from config.queues.
    const tier = queue.startsWith('warren.delay.');
    const option = !tier && OPTION[argument] ? ` (${OPTION[argument]})` : '';
    const wayOut = tier
      ? "it is one of warren's delay queues: move its messages elsewhere and delete it, for warren to declare it again"
      : 'put the config back, or drain and delete the queue for warren to declare it again';
    super(
      `queue ${queue} exists with other arguments: ${argument}${option} is ${onBroker} on the broker, ${wanted} in warren's declare (406 PRECONDITION_FAILED; RabbitMQ names the first difference). A queue's arguments cannot change: ${wayOut} (@warren/amqp README: "Changing a queue's settings")`,
      false,
      { cause },
    );
  }
}

/** The error of a refused queue declare, as a QueueArgumentsMismatchError when it is one. */
export function queueMismatch(err: unknown): QueueArgumentsMismatchError | undefined {
  const message = (err as Error | undefined)?.message ?? '';
  const m = INEQUIVALENT.exec(message);
  if (!m) return undefined;
  return new QueueArgumentsMismatchError(m[2]!, m[1]!, value(m[4]!), value(m[3]!), err);
}
