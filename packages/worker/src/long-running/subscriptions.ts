import type { Consumer, DeliveryHandler, Subscription } from '@warren/core';

/** How long a resume whose subscribe failed waits before it tries again. */
const RESUBSCRIBE_PAUSE_MS = 5000;

/**
 * The worker's subscriptions, one per queue, that can be closed and opened again (a worker whose
 * slots are all held by runaways stops taking deliveries until one settles). Opens and closes run
 * one after the other, so a close that comes while queues are still subscribing closes them too.
 */
export class Subscriptions {
  private readonly subs = new Map<string, Subscription>();
  private wanted = false;
  private chain: Promise<void> = Promise.resolve();
  private retry: ReturnType<typeof setTimeout> | undefined;
  /** When queues were last wanted: one not subscribed since is idle since then. */
  private wantedSince = 0;

  constructor(
    private readonly consumer: Consumer,
    private readonly queues: string[],
    private readonly onDelivery: DeliveryHandler,
    private readonly prefetch: number,
  ) {}

  get open(): boolean {
    return this.wanted;
  }

  /** Subscribes every queue not subscribed yet; rejects with the consumer's error (the first start reports it). */
  subscribe(): Promise<void> {
    if (!this.wanted) this.wantedSince = Date.now();
    this.wanted = true;
    return this.serial(async () => {
      for (const q of this.queues) {
        if (!this.wanted) return;
        if (this.subs.has(q)) continue;
        const sub = await this.consumer.consume(q, this.onDelivery, { prefetch: this.prefetch });
        this.subs.set(q, sub);
      }
    });
  }

  /** subscribe() again until it holds or is no longer wanted (a resume has no caller to tell). */
  resubscribe(): void {
    clearTimeout(this.retry);
    this.subscribe().catch(() => {
      if (this.wanted) this.retry = setTimeout(() => this.resubscribe(), RESUBSCRIBE_PAUSE_MS).unref();
    });
  }

  /**
   * The queues wanted but with no consumer on the broker for `afterMs` or longer (connection
   * down, consumer cancelled, a restart refused, a subscribe failing), with how long each.
   */
  idle(afterMs: number, now = Date.now()): { queue: string; forMs: number }[] {
    if (!this.wanted) return [];
    const out: { queue: string; forMs: number }[] = [];
    for (const queue of this.queues) {
      const sub = this.subs.get(queue);
      const since = sub ? sub.idleSince?.() : this.wantedSince;
      if (since !== undefined && now - since >= afterMs) out.push({ queue, forMs: now - since });
    }
    return out;
  }

  /** Cancels every consumer; deliveries already handed out can still be settled. */
  unsubscribe(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.retry);
    return this.serial(async () => {
      const subs = [...this.subs.values()];
      this.subs.clear();
      await Promise.all(subs.map((s) => s.close().catch(() => {})));
    });
  }

  private serial(op: () => Promise<void>): Promise<void> {
    const next = this.chain.then(op, op);
    this.chain = next.catch(() => {});
    return next;
  }
}
