import { onAbort } from '@warren/protocol/on-abort';
import type { Redis } from 'ioredis';
import { dropOnTimeout } from './drop-on-timeout';
import { explainOffline } from './offline-error';

export interface Wake {
  /**
   * Resolves on the next message, when `ms` runs out, when `signal` aborts or when the subscriber
   * closes; may be called again.
   */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  stop(): void;
  /** Whether the subscriber was closed: no message will come any more. */
  closed(): boolean;
}

/**
 * One lazily opened subscriber connection per store, shared by every waiter: a connection in
 * subscribe mode cannot run other commands, so it is a duplicate of the store's (same fail-fast
 * options: SUBSCRIBE during an outage rejects; ioredis resubscribes after a reconnect).
 */
export class DoneSubscriber {
  private sub?: Redis;
  /** Names the connection's error for a SUBSCRIBE made while it reconnects (see offline-error.ts). */
  private offline?: (err: unknown) => never;
  private closed = false;
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Per channel, the SUBSCRIBE in flight: a second waiter must not read before it is done. */
  private readonly subscribed = new Map<string, Promise<unknown>>();
  /**
   * Channels left with no waiter whose UNSUBSCRIBE failed (Redis was down): ioredis still counts
   * them and subscribes them again on reconnecting, so they are unsubscribed once it has.
   */
  private readonly stale = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly onError?: (err: Error) => void,
  ) {}

  async watch(channel: string): Promise<Wake> {
    const sub = this.connection();
    let pending: (() => void) | undefined;
    // A message while no wait is pending (the caller is reading the record) is kept for the next
    // wait: otherwise a job that finishes between the read and the wait costs a whole timeout.
    let missed = false;
    const fire = () => {
      if (pending) pending();
      else missed = true;
    };
    let set = this.waiters.get(channel);
    if (!set) {
      set = new Set();
      this.waiters.set(channel, set);
    }
    set.add(fire);
    this.stale.delete(channel);
    if (!this.subscribed.has(channel))
      this.subscribed.set(channel, sub.subscribe(channel).catch(dropOnTimeout(sub)).catch(this.offline));
    try {
      await this.subscribed.get(channel);
    } catch (err) {
      this.release(channel, fire);
      throw err;
    }
    return {
      closed: () => this.closed,
      stop: () => this.release(channel, fire),
      wait: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (missed || this.closed) {
            missed = false;
            resolve();
            return;
          }
          // One listener on a signal however many waits share it (Node warns past 10).
          const done = () => {
            clearTimeout(timer);
            off?.();
            pending = undefined;
            resolve();
          };
          const timer = setTimeout(done, ms);
          const off = signal && onAbort(signal, done);
          pending = done;
        }),
    };
  }

  /** Drops a waiter (none: a stale channel); the channel's last one unsubscribes it. */
  private release(channel: string, fire?: () => void): void {
    const s = this.waiters.get(channel);
    if (fire ? !s?.delete(fire) || s.size > 0 : s) return;
    this.stale.delete(channel);
    this.waiters.delete(channel);
    this.subscribed.delete(channel);
    this.sub?.unsubscribe(channel).catch(() => this.stale.add(channel));
  }

  async close(): Promise<void> {
    // Pending waits end now (their callers re-read and return), not at their timeouts.
    this.closed = true;
    for (const set of this.waiters.values()) for (const fire of set) fire();
    this.waiters.clear();
    await this.sub?.quit().catch(() => this.sub?.disconnect());
  }

  private connection(): Redis {
    if (!this.sub) {
      // No ready check (INFO) and no CLIENT SETINFO: ioredis writes a SUBSCRIBE made between
      // connect and ready at once, and Redis refuses those after it (redis/ioredis#2037), which
      // failed the connection and every wait on it. SUBSCRIBE needs neither.
      this.sub = this.redis.duplicate({ enableReadyCheck: false, disableClientInfo: true });
      this.sub.on('error', (err: Error) => this.onError?.(err));
      this.offline = explainOffline(this.sub);
      this.sub.on('message', (channel: string) => {
        for (const fire of this.waiters.get(channel) ?? []) fire();
      });
      // A message published while we were disconnected is lost: wake everyone to re-read, once
      // the channels are subscribed again. ioredis sends that SUBSCRIBE right after emitting
      // 'ready'; woken at 'ready', a waiter re-read before it had landed, and a job finishing in
      // between went unheard until the 5 s re-read. A PING sent after it answers after it.
      const sub = this.sub;
      sub.on('ready', () =>
        queueMicrotask(() => {
          const wakeAll = () => {
            for (const set of this.waiters.values()) for (const fire of set) fire();
            for (const channel of this.stale) if (!this.waiters.has(channel)) this.release(channel);
          };
          sub.ping().then(wakeAll, wakeAll);
        }),
      );
    }
    return this.sub;
  }
}
