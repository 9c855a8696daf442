import type { Redis } from 'ioredis';

export interface Wake {
  /** Resolves on the first message, when `timeoutMs` runs out or when `signal` aborts. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  stop(): void;
}

/**
 * One lazily opened subscriber connection per store, shared by every waiter: a connection in
 * subscribe mode cannot run other commands, so it is a duplicate of the store's.
 */
export class DoneSubscriber {
  private sub?: Redis;
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Per channel, the SUBSCRIBE in flight: a second waiter must not read before it is done. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly onError?: (err: Error) => void,
  ) {}

  async watch(channel: string): Promise<Wake> {
    const sub = this.connection();
    let fire: () => void = () => {};
    const fired = new Promise<void>((r) => {
      fire = r;
    });
    let set = this.waiters.get(channel);
    if (!set) {
      set = new Set();
      this.waiters.set(channel, set);
    }
    set.add(fire);
    if (!this.subscribed.has(channel)) this.subscribed.set(channel, sub.subscribe(channel));
    try {
      await this.subscribed.get(channel);
    } catch (err) {
      this.release(channel, fire);
      throw err;
    }
    return {
      stop: () => this.release(channel, fire),
      wait: (timeoutMs, signal) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
          };
          signal?.addEventListener('abort', done);
          fired.then(done);
        }),
    };
  }

  private release(channel: string, fire: () => void): void {
    const s = this.waiters.get(channel);
    if (!s?.delete(fire) || s.size > 0) return;
    this.waiters.delete(channel);
    this.subscribed.delete(channel);
    this.sub?.unsubscribe(channel).catch(() => {});
  }

  async close(): Promise<void> {
    this.waiters.clear();
    await this.sub?.quit().catch(() => this.sub?.disconnect());
  }

  private connection(): Redis {
    if (!this.sub) {
      // Subscriptions may wait through reconnects (ioredis resubscribes), unlike store commands.
      this.sub = this.redis.duplicate({ maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true });
      this.sub.on('error', (err: Error) => this.onError?.(err));
      this.sub.on('message', (channel: string) => {
        for (const fire of this.waiters.get(channel) ?? []) fire();
      });
    }
    return this.sub;
  }
}
