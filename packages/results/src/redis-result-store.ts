import {
  beforeWaitEnd,
  type CreationState,
  DEFAULT_LEASE_MS,
  type JobRecord,
  type JobState,
  type PollOptions,
  pollUntilTerminal,
  type ResultStore,
  type TransitionOutcome,
  type TransitionPatch,
} from '@warren/core';
import { ttlArg } from './arg-bounds';
import { DEFAULT_TTL_S, type KeyLayout } from './keys';
import { createArgs, decodeOutcome, decodeRecord, encodeSegment, transitionArgs } from './record-codec';
import { refusedForSize, toStoreError } from './store-errors';
import { TransitionBatcher } from './transition-batcher';

export type ScriptName = 'transition' | 'create' | 'claim' | 'release';

/** Polling without a socket to hear completions on (REST): 50 ms growing ×1.5 to 1 s. */
export const REST_POLL: PollOptions = { firstMs: 50, factor: 1.5, maxMs: 1000 };

/** What a Redis client must offer the store: the four scripts (EVALSHA, EVAL on NOSCRIPT) and HGETALL. */
export interface RedisDriver {
  script(name: ScriptName, keys: string[], args: string[]): Promise<unknown>;
  /** The hash as field → value; empty object when the key does not exist. */
  hgetall(key: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface RedisStoreOptions {
  /** Key prefix, default `warren:`; one per environment or test run. */
  keys: KeyLayout;
  /** Record TTL when the transition names none (config `results.ttlS`), default 24 h. */
  defaultTtlS?: number;
  /** Lease when a `running` transition names none. */
  defaultLeaseMs?: number;
  /**
   * What the driver puts before the keys a command names but not before those a script builds
   * itself (the idempotency key a terminal write ends): ioredis' `keyPrefix`.
   */
  driverKeyPrefix?: string;
}

/** Options for waiting on a job to reach a terminal state. */
export interface WaitOptions {
  signal?: AbortSignal;
  /**
   * The record as the caller just read it (the ingest's long-poll, the direct client's wait):
   * polling starts with a pause instead of reading it again. Upstash bills every request.
   */
  current?: JobRecord;
}

/** A ResultStore on Redis, whatever the transport; both the TCP and the REST store are one of these. */
export class RedisResultStore implements ResultStore {
  readonly keys: KeyLayout;
  private readonly ttlS: number;
  private readonly leaseMs: number;
  /** The idempotency keys' prefix as a script must name them (see driverKeyPrefix). */
  private readonly idemPrefix: string;
  private readonly batcher: TransitionBatcher;
  private readonly creates: TransitionBatcher;

  constructor(
    protected readonly driver: RedisDriver,
    opts: RedisStoreOptions,
  ) {
    this.keys = opts.keys;
    this.ttlS = opts.defaultTtlS ?? DEFAULT_TTL_S;
    this.leaseMs = opts.defaultLeaseMs ?? DEFAULT_LEASE_MS;
    this.idemPrefix = (opts.driverKeyPrefix ?? '') + opts.keys.idem('');
    this.batcher = new TransitionBatcher(
      (keys, args) => this.driver.script('transition', keys, args),
      refusedForSize,
    );
    this.creates = new TransitionBatcher(
      (keys, args) => this.driver.script('create', keys, args),
      refusedForSize,
    );
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const hash = await this.call('get', () => this.driver.hgetall(this.keys.job(id)));
    return decodeRecord(id, hash);
  }

  async transition(id: string, to: JobState, patch: TransitionPatch = {}): Promise<TransitionOutcome> {
    const args = transitionArgs(to, patch, {
      ttlS: this.ttlS,
      leaseMs: this.leaseMs,
      channel: this.keys.done(id),
      // The job's idempotency key follows its record: kept while the job is on its way, ended
      // with it (see the script's followKey).
      idemPrefix: this.idemPrefix,
      id,
    });
    const reply = await this.call('transition', () =>
      this.batcher.run(this.keys.job(id), [encodeSegment(args)]),
    );
    try {
      return decodeOutcome(id, reply);
    } catch (err) {
      throw toStoreError(err, 'transition'); // this key's error (the script fails keys one by one)
    }
  }

  create(id: string, state: CreationState, patch: TransitionPatch = {}): Promise<TransitionOutcome> {
    // Chained, not async: this is on every enqueue's path, and each async frame costs a resume.
    let args: string;
    try {
      args = encodeSegment(createArgs(state, patch, this.ttlS));
    } catch (err) {
      return Promise.reject(err); // a Promise-returning method never throws
    }
    // Decoded inside `call`: an error reply for this key becomes its TransportError.
    return this.call('create', () =>
      this.creates.run(this.keys.job(id), [args]).then((reply) => decodeOutcome(id, reply)),
    );
  }

  async claimIdempotencyKey(key: string, id: string, ttlS: number): Promise<string> {
    const owner = await this.call('claim', () =>
      this.driver.script('claim', [this.keys.idem(key)], [id, ttlArg(ttlS, this.ttlS)]),
    );
    return String(owner);
  }

  async releaseIdempotencyKey(key: string, id: string): Promise<void> {
    await this.call('release', () => this.driver.script('release', [this.keys.idem(key)], [id]));
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /**
   * The record once it is terminal, or whatever it is when `timeoutMs` runs out (undefined if
   * none); a recoverable TransportError if the store does not answer by then (beforeWaitEnd).
   */
  async waitFor(id: string, timeoutMs: number, opts: WaitOptions = {}): Promise<JobRecord | undefined> {
    const until = Date.now() + timeoutMs;
    return pollUntilTerminal(() => beforeWaitEnd(this.get(id), until, 'get'), timeoutMs, {
      ...REST_POLL,
      signal: opts.signal,
      current: opts.current,
    });
  }

  /** Runs a store call, its failures (thrown or rejected) as TransportErrors; chained, no async frame. */
  protected call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    let p: Promise<T>;
    try {
      p = fn();
    } catch (err) {
      return Promise.reject(toStoreError(err, op));
    }
    return p.catch((err: unknown) => {
      throw toStoreError(err, op);
    });
  }
}
