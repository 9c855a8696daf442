import { beforeWaitEnd, isTerminal, type JobRecord } from '@warren/core';
import { Redis, type RedisOptions } from 'ioredis';
import { DEFAULT_PREFIX, keyLayout } from '../keys';
import { CREATE_LUA } from '../lua/create-script';
import { CLAIM_KEY_LUA, RELEASE_KEY_LUA } from '../lua/idempotency-scripts';
import { TRANSITION_LUA } from '../lua/transition-script';
import { type RedisDriver, RedisResultStore, type ScriptName, type WaitOptions } from '../redis-result-store';
import { DoneSubscriber, type Wake } from './done-subscriber';
import { dropOnTimeout } from './drop-on-timeout';
import { explainOffline } from './offline-error';
import { RedisThawCheck } from './thaw-check';

export interface RedisResultStoreOptions {
  /** An ioredis instance (used as is, not closed by the store) or a redis:// URL. */
  redis: Redis | string;
  prefix?: string;
  defaultTtlS?: number;
  defaultLeaseMs?: number;
  /** Extra ioredis options when `redis` is a URL. */
  redisOptions?: RedisOptions;
  /** Connection errors while ioredis reconnects (default: ignored; failed commands reject anyway). */
  onError?: (err: Error) => void;
}

/**
 * Fail fast instead of queueing: a transition during an outage must reject so the worker does
 * not ack, rather than sit in ioredis' offline queue or be resent after a reconnect that may
 * follow an already-applied write. ioredis keeps reconnecting in the background.
 */
export const STORE_REDIS_OPTIONS: RedisOptions = {
  // A command issued while disconnected waits for the next reconnect attempt only (≤ 1 s).
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 10_000,
  retryStrategy: (times) => Math.min(50 * 2 ** times, 1000),
  // A failover demotes the node this connection was made to: it answers every write READONLY
  // for good. Reconnecting reaches the new primary behind the same name (the command itself
  // still fails: 1, not 2 = resend).
  reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 1 : false),
};

// No numberOfKeys: the key count goes first in each call (the transition script takes many).
const COMMANDS: Record<ScriptName, { name: string; lua: string }> = {
  transition: { name: 'warrenTransitionBatch', lua: TRANSITION_LUA },
  create: { name: 'warrenCreateBatch', lua: CREATE_LUA },
  claim: { name: 'warrenClaimKey1', lua: CLAIM_KEY_LUA },
  release: { name: 'warrenReleaseKey1', lua: RELEASE_KEY_LUA },
};

type ScriptFn = (numKeys: number, ...keysAndArgs: string[]) => Promise<unknown>;

/** The TCP result store on ioredis. Scripts go through `defineCommand` (EVALSHA, EVAL on NOSCRIPT). */
export class TcpResultStore extends RedisResultStore {
  private readonly done: DoneSubscriber;

  constructor(
    readonly redis: Redis,
    opts: Omit<RedisResultStoreOptions, 'redis' | 'redisOptions'> & { owned: boolean },
  ) {
    for (const c of Object.values(COMMANDS)) {
      if (!(c.name in redis)) redis.defineCommand(c.name, { lua: c.lua });
    }
    const done = new DoneSubscriber(redis, opts.onError);
    // An instance of the caller's keeps its own connection handling ("used as is").
    const dropped = opts.owned ? dropOnTimeout(redis) : undefined;
    const offline = opts.owned ? explainOffline(redis) : undefined;
    // The first command after a Lambda thaw checks the connection first (see RedisThawCheck).
    const thaw = opts.owned ? new RedisThawCheck(redis) : undefined;
    const drop = <T>(run: () => Promise<T>): Promise<T> => {
      const p = thaw ? thaw.run(run) : run();
      return dropped ? p.catch(dropped).catch(offline) : p;
    };
    const driver: RedisDriver = {
      script: (name, keys, args) =>
        drop(() =>
          (redis as unknown as Record<string, ScriptFn>)[COMMANDS[name].name]!(keys.length, ...keys, ...args),
        ),
      hgetall: (key) => drop(() => redis.hgetall(key)),
      close: async () => {
        thaw?.stop();
        await done.close();
        if (opts.owned) await redis.quit().catch(() => redis.disconnect());
      },
    };
    super(driver, {
      keys: keyLayout(opts.prefix ?? DEFAULT_PREFIX),
      defaultTtlS: opts.defaultTtlS,
      defaultLeaseMs: opts.defaultLeaseMs,
      // An application's ioredis instance may carry one: the idempotency key a terminal write
      // ends was named without it, missed, and outlived its record (a 409 for its whole TTL).
      driverKeyPrefix: redis.options.keyPrefix,
    });
    this.done = done;
  }

  /**
   * Waits on the `done` channel the transition script publishes to, re-reading on every wake-up
   * and at least every 5 s (a safety net for a message lost to a reconnect). A Redis that stops
   * answering fails it about when the wait ends (beforeWaitEnd), not at the command timeout.
   */
  override async waitFor(
    id: string,
    timeoutMs: number,
    opts: WaitOptions = {},
  ): Promise<JobRecord | undefined> {
    const until = Date.now() + timeoutMs;
    const watching = this.call('subscribe', () => this.done.watch(this.keys.done(id)));
    let wake: Wake;
    try {
      wake = await beforeWaitEnd(watching, until, 'subscribe');
    } catch (err) {
      // A SUBSCRIBE landing after we gave up on it: its channel is not left subscribed.
      watching.then(
        (w) => w.stop(),
        () => {},
      );
      throw err;
    }
    try {
      // Subscribed before reading, so a transition between the two cannot be missed.
      for (;;) {
        const rec = await beforeWaitEnd(this.get(id), until, 'get');
        const left = until - Date.now();
        if ((rec && isTerminal(rec.state)) || left <= 0 || opts.signal?.aborted || wake.closed()) return rec;
        await wake.wait(Math.min(left, 5000), opts.signal);
      }
    } finally {
      wake.stop();
    }
  }
}

export function createRedisResultStore(opts: RedisResultStoreOptions): TcpResultStore {
  const owned = typeof opts.redis === 'string';
  const redis =
    typeof opts.redis === 'string'
      ? new Redis(opts.redis, { ...STORE_REDIS_OPTIONS, ...opts.redisOptions })
      : opts.redis;
  if (owned) redis.on('error', (err: Error) => opts.onError?.(err));
  return new TcpResultStore(redis, { ...opts, owned });
}
