import type { ChannelModel } from 'amqplib';

/** Routing key no queue has: the poke below is dropped by the default exchange. */
const POKE_KEY = 'warren.blocked-poke';

/**
 * Whether the current connection is blocked by a broker resource alarm (memory, disk), and why.
 * While it is, anything written waits in the socket until the alarm clears and then lands, long
 * after its publish was reported failed (and sent elsewhere): publishes must not be written.
 */
export class BlockedState {
  reason: string | undefined;

  /** A new connection: not known to be blocked yet. */
  reset(): void {
    this.reason = undefined;
  }

  /**
   * RabbitMQ blocks (and says so) only once a connection publishes: publish one unroutable empty
   * message on `model` so an alarm is noticed before the next real publish is written.
   */
  poke(model: ChannelModel): void {
    if (this.reason !== undefined) return;
    model.createChannel().then(
      (ch) => {
        ch.on('error', () => {});
        ch.publish('', POKE_KEY, Buffer.alloc(0));
        // Not awaited: on a blocked connection the close completes only once the alarm clears.
        ch.close().catch(() => {});
      },
      () => {},
    );
  }
}
