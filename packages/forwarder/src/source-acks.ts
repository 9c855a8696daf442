import type { Channel, Message } from 'amqplib';
import type { AckTracker } from './ack-tracker';

export interface SourceAckHooks {
  acked(count: number): void;
  failed(err: unknown): void;
}

/**
 * The source side of on-confirm: deliveries the destination confirmed are acked with one
 * `multiple: true` ack per event-loop turn over the contiguous settled prefix, never past an
 * unconfirmed message.
 */
export class SourceAcks {
  channel?: Channel;
  private scheduled = false;

  constructor(
    private readonly tracker: AckTracker,
    private readonly hooks: SourceAckHooks,
  ) {}

  /** Acks what has settled by the end of this turn (one ack for a burst of confirms). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const a = this.tracker.takeAckable();
    if (!a || !this.channel) return;
    try {
      this.channel.ack({ fields: { deliveryTag: a.upTo } } as Message, true);
    } catch (err) {
      this.hooks.failed(err);
      return;
    }
    this.hooks.acked(a.count);
  }

  /**
   * Acks every settled delivery the prefix ack did not cover (behind an unconfirmed one), one by one,
   * while the source channel is still open: otherwise each restart sends them all again.
   */
  ackSettled(): void {
    const ch = this.channel;
    if (!ch) return;
    const tags = this.tracker.takeSettled();
    for (const tag of tags) {
      try {
        ch.ack({ fields: { deliveryTag: tag } } as Message, false);
      } catch {
        return; // the channel is closed: the broker requeues them anyway
      }
    }
  }
}
