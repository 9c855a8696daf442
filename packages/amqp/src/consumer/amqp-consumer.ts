import {
  type ConsumeOptions,
  type Consumer,
  type DeliveryHandler,
  type Subscription,
  TransportError,
} from '@warren/core';
import type { ChannelModel } from 'amqplib';
import { classifyAmqpError } from '../errors/classify-amqp-error';
import { isQueueRefusal } from '../errors/queue-refusal';
import { QueueSubscription, type SubscriptionDeps } from './queue-subscription';

/** basic.qos carries the prefetch count in 16 bits (0: no limit). */
const MAX_PREFETCH = 65_535;

/** The Consumer port: subscriptions that survive reconnections (re-established by the connect hook). */
export class AmqpConsumer implements Consumer {
  private readonly subs = new Set<QueueSubscription>();

  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly defaultPrefetch = 16,
    /** Per subscription start: a broker that stops answering must not hang a connect or consume(). */
    private readonly timeoutMs = 5000,
  ) {}

  /** Consumer connect hook: every open subscription again on the new consumers' connection. */
  readonly attach = async (model: ChannelModel): Promise<void> => {
    for (const s of this.subs) {
      await s.start(model).catch((err) => {
        const e = classifyAmqpError(err, `consume ${s.queue}`);
        // A refusal of this queue alone (its classic home node down: 404 until it is back) fails
        // no connect: it did on every node, so no queue was consumed and nothing published until
        // that node returned. The subscription has scheduled its own retry (start).
        if (e.recoverable && !isQueueRefusal(err)) throw e;
        this.deps.onEvent({ type: 'consumer-error', queue: s.queue, error: e.message });
      });
    }
  };

  async consume(
    queue: string,
    onDelivery: DeliveryHandler,
    opts: ConsumeOptions = {},
  ): Promise<Subscription> {
    const prefetch = opts.prefetch ?? this.defaultPrefetch;
    // amqplib throws a RangeError on each subscribe, which reads as recoverable: the consumer
    // retried every 1..30 s forever, consuming nothing, while consume() had resolved.
    if (!Number.isInteger(prefetch) || prefetch < 0 || prefetch > MAX_PREFETCH)
      throw new TransportError(
        `consume ${queue}: prefetch ${prefetch} (the worker's concurrency) must be an integer from 0 to ${MAX_PREFETCH}, RabbitMQ's limit`,
        false,
      );
    const sub = new QueueSubscription(queue, onDelivery, prefetch, this.deps, this.timeoutMs);
    this.subs.add(sub);
    // Not connected yet: the subscription starts with the next connection (its consumer hook).
    const model = await this.deps.conn.consumerConnection();
    if (model && model === this.deps.conn.consumerModel()) {
      try {
        // A connection that stopped answering is dropped by the subscription (failover).
        await sub.start(model);
      } catch (err) {
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
      idleSince: () => sub.idleSince(),
    };
  }

  async close(): Promise<void> {
    const subs = [...this.subs];
    this.subs.clear();
    await Promise.all(subs.map((s) => s.close()));
  }
}
