import type { Delivery } from '@warren/core';
import type { ConsumeMessage } from 'amqplib';
import type { MessageCodec } from '../codec';
import type { EventSink } from '../connection/events';
import { classifyAmqpError } from '../errors/classify-amqp-error';
import type { JobPublisher } from '../publisher/job-publisher';
import { dlqName } from '../topology/queue-arguments';
import type { ChannelAcks } from './channel-acks';
import { deadLetterProperties } from './dead-letter';

/** What a delivery needs from its subscription. */
export interface DeliveryHost {
  readonly queue: string;
  readonly publisher: JobPublisher;
  readonly codec: MessageCodec;
  readonly onEvent: EventSink;
  /** Called once when the delivery is settled, whichever way. */
  settled(): void;
}

/** Publishes a copy to `<queue>.dlq` with its reason (confirmed), then acks the original. */
export async function deadLetterMessage(
  host: DeliveryHost,
  acks: ChannelAcks,
  msg: ConsumeMessage,
  reason: string,
): Promise<void> {
  await host.publisher.send(dlqName(host.queue), msg.content, deadLetterProperties(msg, host.queue, reason), {
    declare: false,
  });
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
    return this.settle('retry', async () => {
      const { content, properties } = this.host.codec.encode({ ...this.job, attempt: this.attempt + 1 });
      await this.host.publisher.send(this.host.queue, content, properties, { delayMs });
      this.acks.ack(this.msg.fields.deliveryTag);
    });
  }

  deadLetter(reason: string): Promise<void> {
    return this.settle('dead-letter', () => deadLetterMessage(this.host, this.acks, this.msg, reason));
  }

  private async settle(what: string, fn: () => Promise<void> | void): Promise<void> {
    if (this.done) throw new Error(`delivery ${this.job.id} already settled (${what})`);
    this.done = true;
    try {
      await fn();
    } catch (err) {
      throw classifyAmqpError(err, `${what} ${this.job.id}`);
    } finally {
      this.host.settled();
    }
  }
}
