import type { ConsumeOptions, Consumer, DeliveryHandler, Subscription } from '@warren/core';
import type { ChannelModel } from 'amqplib';
import { bounded, NoAnswerError } from '../connection/no-answer';
import { classifyAmqpError } from '../errors/classify-amqp-error';
import { QueueSubscription, type SubscriptionDeps } from './queue-subscription';

/** The Consumer port: subscriptions that survive reconnections (re-established by the connect hook). */
export class AmqpConsumer implements Consumer {
  private readonly subs = new Set<QueueSubscription>();

  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly defaultPrefetch = 16,
    /** Per subscription start: a broker that stops answering must not hang a connect or consume(). */
    private readonly timeoutMs = 5000,
  ) {}

  /** Connect hook: every open subscription again on the new connection. */
  readonly attach = async (model: ChannelModel): Promise<void> => {
    for (const s of this.subs) {
      await this.start(s, model).catch((err) => {
        const e = classifyAmqpError(err, `consume ${s.queue}`);
        if (e.recoverable) throw e;
        this.deps.onEvent({ type: 'consumer-error', queue: s.queue, error: e.message });
      });
    }
  };

  async consume(
    queue: string,
    onDelivery: DeliveryHandler,
    opts: ConsumeOptions = {},
  ): Promise<Subscription> {
    const sub = new QueueSubscription(queue, onDelivery, opts.prefetch ?? this.defaultPrefetch, this.deps);
    this.subs.add(sub);
    // Not connected yet: the subscription starts with the next connection.
    const model = this.deps.conn.current();
    if (model) {
      try {
        await this.start(sub, model);
      } catch (err) {
        // The connection stopped answering: drop it so the reconnect logic (and this sub) moves on.
        if (err instanceof NoAnswerError) this.deps.conn.failover();
        const e = classifyAmqpError(err, `consume ${queue}`);
        if (!e.recoverable) {
          this.subs.delete(sub);
          await sub.close();
          throw e;
        }
      }
    }
    return {
      close: async () => {
        this.subs.delete(sub);
        await sub.close();
      },
    };
  }

  private start(sub: QueueSubscription, model: ChannelModel): Promise<void> {
    return bounded(sub.start(model), this.timeoutMs, `consume ${sub.queue}`);
  }

  async close(): Promise<void> {
    const subs = [...this.subs];
    this.subs.clear();
    await Promise.all(subs.map((s) => s.close()));
  }
}
