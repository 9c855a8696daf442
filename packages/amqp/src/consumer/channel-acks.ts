import type { Channel, Message } from 'amqplib';

/** The one field amqplib reads from a message to ack or nack it. */
const byTag = (deliveryTag: number) => ({ fields: { deliveryTag } }) as Message;

/**
 * Every settlement of one consumer channel's deliveries, with the acks of one event-loop turn
 * coalesced: the contiguous run of acked deliveries from the oldest unsettled one goes out as
 * one `multiple` ack, the others one by one, nothing is held past the turn. A worker acking 100
 * jobs of a turn sends one frame instead of 100, and a quorum queue settles them as one command
 * (measured on this box: RabbitMQ ~19 → ~14 µs per consumed message, the consumer 8.5 → 4).
 *
 * Why every ack and nack of the channel must come through here: RabbitMQ's `multiple` ack walks
 * its unacked list up to the given tag and closes the channel if that tag is not in it, so the
 * tag sent must never be one already settled, and a nack must reach the broker before any
 * `multiple` ack that passes its tag. Nacks therefore go out at once and are skipped by later
 * runs; the run's last tag is always one still unacked.
 */
export class ChannelAcks {
  private order: number[] = [];
  private head = 0;
  /** Acked here, not sent yet. */
  private readonly ready = new Set<number>();
  /** Settled at the broker already (nacked, or acked alone): runs pass over them. */
  private readonly gone = new Set<number>();
  private scheduled = false;

  constructor(private readonly ch: Pick<Channel, 'ack' | 'nack'>) {}

  /** Every delivery of the channel, in delivery order (tags only grow). */
  delivered(tag: number): void {
    this.order.push(tag);
  }

  /** Sent by the end of this turn; a closed channel by then means the broker redelivers. */
  ack(tag: number): void {
    this.ready.add(tag);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** At once (throws if the channel is closed, as amqplib's nack does). */
  nack(tag: number, requeue: boolean): void {
    this.gone.add(tag);
    this.ch.nack(byTag(tag), false, requeue);
  }

  /** `nack`, for paths that give a message back and cannot do more if the channel is gone. */
  tryNack(tag: number, requeue: boolean): void {
    try {
      this.nack(tag, requeue);
    } catch {
      // Channel closed: the broker requeues every unacked delivery.
    }
  }

  /** Sends the pending acks now (before the channel closes). */
  flush(): void {
    this.scheduled = false;
    let upTo = 0;
    let run = 0;
    while (this.head < this.order.length) {
      const tag = this.order[this.head]!;
      if (this.ready.delete(tag)) {
        upTo = tag;
        run++;
      } else if (!this.gone.delete(tag)) break;
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    try {
      if (run > 0) this.ch.ack(byTag(upTo), run > 1);
      for (const tag of this.ready) {
        this.gone.add(tag);
        this.ch.ack(byTag(tag), false);
      }
    } catch {
      // Channel closed: the broker requeues every unacked delivery; the executor treats the
      // redelivery of a recorded job as a duplicate.
    } finally {
      this.ready.clear();
    }
  }
}
