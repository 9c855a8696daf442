import { copyDueIn, type Delivery } from '@warren/core';
import type { ConsumeMessage } from 'amqplib';
import type { MessageCodec } from '../codec';
import type { EventSink } from '../connection/events';
import { classifyAmqpError } from '../errors/classify-amqp-error';
import type { JobPublisher } from '../publisher/job-publisher';
import type { ChannelAcks } from './channel-acks';
import { deadLetterProperties, isUnroutable, sendDeadLetterCopy } from './dead-letter';

/** What a delivery needs from its subscription. */
export interface DeliveryHost {
  readonly queue: string;
  readonly publisher: JobPublisher;
  readonly codec: MessageCodec;
  readonly onEvent: EventSink;
  /** Called once when the delivery is settled, whichever way. */
  settled(): void;
  /** Declares the queue's topology (its DLQ included) again, even if it was declared before. */
  redeclare(): Promise<void>;
  /** Pause before a message that cannot be dead-lettered is handed back (default 1 s). */
  requeuePauseMs?: number;
}

const sendToDlq = (host: DeliveryHost, msg: ConsumeMessage, reason: string): Promise<void> =>
  sendDeadLetterCopy(
    (q, content, props, opts) => host.publisher.send(q, content, props, opts),
    host.redeclare,
    host.queue,
    msg.content,
    deadLetterProperties(msg, host.queue, reason),
  );

/**
 * Publishes a copy to `<queue>.dlq` with its reason (confirmed), then acks the original. When the
 * copy is not confirmed, the original is rejected without requeue, so the queue's own
 * dead-letter exchange moves it to `<queue>.dlq` (without the reason), and the error is thrown.
 * When the DLQ does not exist even after declaring it again, that DLX would drop it too: the
 * original is handed back after a pause instead (a failed job that comes back is dead-lettered
 * again by the executor; an undecodable one comes back here).
 */
export async function deadLetterMessage(
  host: DeliveryHost,
  acks: ChannelAcks,
  msg: ConsumeMessage,
  reason: string,
): Promise<void> {
  try {
    await sendToDlq(host, msg, reason);
  } catch (err) {
    const unroutable = isUnroutable(err);
    if (unroutable) await new Promise((r) => setTimeout(r, host.requeuePauseMs ?? 1000));
    acks.tryNack(msg.fields.deliveryTag, unroutable);
    throw err;
  }
  acks.ack(msg.fields.deliveryTag);
  host.onEvent({ type: 'dead-lettered', queue: host.queue, reason });
}

/**
 * One AMQP delivery as the core Delivery port. A class rather than closures per message: the
 * per-delivery functions (and their names, under tsx/esbuild keepNames) showed up in profiles.
 * Every settle runs at most once; a second one is a programming error.
 */
export class AmqpDelivery implements Delivery {
  readonly redelivered: boolean;
  private done = false;

  constructor(
    private readonly host: DeliveryHost,
    private readonly acks: ChannelAcks,
    private readonly msg: ConsumeMessage,
    readonly job: Delivery['job'],
    readonly attempt: number,
  ) {
    this.redelivered = msg.fields.redelivered;
  }

  isSettled(): boolean {
    return this.done;
  }

  ack(): Promise<void> {
    return this.settle('ack', () => this.acks.ack(this.msg.fields.deliveryTag));
  }

  release(): Promise<void> {
    return this.settle('release', () => this.acks.nack(this.msg.fields.deliveryTag, true));
  }

  retry(delayMs: number): Promise<void> {
    return this.republish('retry', this.attempt + 1, delayMs);
  }

  defer(delayMs: number): Promise<void> {
    return this.republish('defer', this.attempt, delayMs);
  }

  private republish(what: string, attempt: number, delayMs: number): Promise<void> {
    // A republish that was not confirmed leaves the delivery unsettled, so the caller releases it
    // (the worker does, after its pause). Marked settled, it would sit unacked, holding a
    // prefetch slot, until the channel closes.
    const undoOnFailure = true;
    return this.settle(
      what,
      async () => {
        const { content, properties } = this.host.codec.encode(copyDueIn(this.job, attempt, delayMs));
        await this.host.publisher.send(this.host.queue, content, properties, { delayMs });
        this.acks.ack(this.msg.fields.deliveryTag);
      },
      undoOnFailure,
    );
  }

  deadLetter(reason: string): Promise<void> {
    return this.settle('dead-letter', () => deadLetterMessage(this.host, this.acks, this.msg, reason));
  }

  /** `undoOnFailure`: a failed `fn` left the message as it was, so it is not settled yet. */
  private async settle(what: string, fn: () => Promise<void> | void, undoOnFailure = false): Promise<void> {
    if (this.done) throw new Error(`delivery ${this.job.id} already settled (${what})`);
    this.done = true;
    let ok = false;
    try {
      await fn();
      ok = true;
    } catch (err) {
      if (undoOnFailure) this.done = false;
      throw classifyAmqpError(err, `${what} ${this.job.id}`);
    } finally {
      if (ok || !undoOnFailure) this.host.settled();
    }
  }
}
