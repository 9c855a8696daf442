import {
  beforeWaitEnd,
  isTerminal,
  type JobRecord,
  type JobState,
  pollUntilTerminal,
  type ResultStore,
  type TransitionOutcome,
  type TransitionPatch,
} from '@warren/core';
import type { Redis } from 'ioredis';
import { REST_POLL, type WaitOptions } from '../redis-result-store';
import { toStoreError } from '../store-errors';
import {
  buildCeleryMeta,
  CELERY_KEY_PREFIX,
  CELERY_READY_STATES,
  CELERY_RESULT_EXPIRES_S,
  type CeleryMeta,
  celeryStatusFor,
  mergeCeleryMeta,
  parseCeleryMeta,
} from './celery-meta';
import { metaFullFallback } from './celery-meta-full';
import { type CeleryMetaRedis, ioredisCeleryMeta, isCeleryMetaRedis } from './celery-meta-redis';
import { type CeleryRefusal, refusalMeta } from './celery-refusal';
import { celeryMetaIdOf } from './celery-task-id-alias';

export interface CeleryResultsOptions {
  /**
   * The Redis Celery's `result_backend` points at: an ioredis client, or `upstashCeleryMeta(client)`
   * for Upstash REST. The caller owns and closes it.
   */
  redis: Redis | CeleryMetaRedis;
  /** Queues with `protocol: 'celery'`. */
  isCeleryQueue(queue: string): boolean;
  /**
   * Celery's `result_expires` in seconds. Unset: a meta lives as long as the job's record (the
   * transition's TTL: `results.ttlS`, a task's `resultTtlS`), else Celery's 1 day.
   */
  expiresS?: number;
  /** Celery's `task_track_started`: write STARTED when a warren worker starts the job. */
  trackStarted?: boolean;
  /** Celery's `result_extended`: also write name, args, kwargs, worker, retries, queue. */
  extended?: boolean;
  /** Worker name written with `extended`/STARTED (Celery writes its hostname). */
  worker?: string;
  /** Key prefix (Celery's `celery-task-meta-`). */
  keyPrefix?: string;
}

export interface CeleryResultStore extends ResultStore {
  /** The Celery meta stored for a job, if any. */
  celeryMeta(id: string): Promise<CeleryMeta | undefined>;
  waitFor(id: string, timeoutMs: number, opts?: WaitOptions): Promise<JobRecord | undefined>;
  /** Writes FAILURE for a message warren refused (no record; see `celeryRefusalSink`). */
  refused(r: CeleryRefusal): Promise<void>;
}

/**
 * Makes a ResultStore speak Celery's result backend for jobs on celery queues: (a) every
 * transition also writes `celery-task-meta-<id>` so Python's `AsyncResult` sees jobs warren
 * runs, (b) `get` of a job no warren worker has finished reads that key and merges what a
 * Python worker wrote, so `GET /v1/jobs/:id` and the SDK's `wait` see jobs Python runs.
 */
export function withCeleryResults(store: ResultStore, opts: CeleryResultsOptions): CeleryResultStore {
  const raw = isCeleryMetaRedis(opts.redis) ? opts.redis : ioredisCeleryMeta(opts.redis);
  // Its failures are store failures like the record's: a TransportError (the ingest answers 503,
  // not 500 with the driver's error).
  const redis: CeleryMetaRedis = {
    storeMeta: (key, json, expiresS) =>
      raw.storeMeta(key, json, expiresS).catch((err: unknown) => {
        throw toStoreError(err, 'celery meta write');
      }),
    getMeta: (key) =>
      raw.getMeta(key).catch((err: unknown) => {
        throw toStoreError(err, 'celery meta read');
      }),
  };
  const prefix = opts.keyPrefix ?? CELERY_KEY_PREFIX;
  const expiresS = opts.expiresS ?? CELERY_RESULT_EXPIRES_S;
  // Not a fixed day: with results kept a week, AsyncResult read PENDING after one day while
  // GET /v1/jobs still answered; with a task's resultTtlS of minutes the meta outlived it.
  const metaTtlS = (ttlS: number | undefined) => opts.expiresS ?? ttlS ?? CELERY_RESULT_EXPIRES_S;
  const worker = opts.worker ?? 'warren';
  const key = (id: string) => `${prefix}${id}`;
  const tooLarge = metaFullFallback();

  async function writeMeta(record: JobRecord, state: JobState, ttlS?: number): Promise<void> {
    const status = celeryStatusFor(state, opts.trackStarted);
    if (!status) return;
    // Under the id the client knows (a custom Celery task id runs under a derived job id).
    const taskId = celeryMetaIdOf(record);
    const meta = buildCeleryMeta({
      id: taskId,
      status,
      record,
      reason: state === 'expired' ? 'expired' : state === 'cancelled' ? 'cancelled' : undefined,
      extended: opts.extended ? { worker, ...argsOf(record.input) } : undefined,
    });
    const json = JSON.stringify(meta);
    try {
      await redis.storeMeta(key(taskId), json, metaTtlS(ttlS));
    } catch (err) {
      // A result too large for the memory Redis has left: its FAILURE, not a loop (celery-meta-full.ts).
      const error = tooLarge.instead(record.id, status, json, err);
      if (!error) throw err;
      const failed = buildCeleryMeta({ id: taskId, status: 'FAILURE', record: { ...record, error } });
      await redis.storeMeta(key(taskId), JSON.stringify(failed), metaTtlS(ttlS));
    }
  }

  async function celeryMeta(id: string): Promise<CeleryMeta | undefined> {
    return parseCeleryMeta(await redis.getMeta(key(id)));
  }

  async function get(id: string): Promise<JobRecord | undefined> {
    const rec = await store.get(id);
    if (!rec || isTerminal(rec.state) || !opts.isCeleryQueue(rec.queue)) return rec;
    const meta = await celeryMeta(celeryMetaIdOf(rec));
    if (!meta) return rec;
    // A warren worker owns non-terminal states once it touched the job; a Python worker's
    // progress shows only while warren's record is still where the ingest left it.
    const untouched = rec.state === 'queued' || rec.state === 'scheduled';
    return CELERY_READY_STATES.has(meta.status) || untouched ? mergeCeleryMeta(rec, meta) : rec;
  }

  return {
    get,
    celeryMeta,
    async transition(id: string, to: JobState, patch?: TransitionPatch): Promise<TransitionOutcome> {
      // A job the patch places on a warren queue has no meta: its transition goes as asked, so a
      // config with one Celery queue does not make every job's write read its record back.
      if (patch?.queue !== undefined && !opts.isCeleryQueue(patch.queue))
        return store.transition(id, to, patch);
      // The Celery meta is written from the whole record, whatever the caller asked for.
      const out = await store.transition(id, to, { ...patch, returnRecord: true });
      if (out.ok) {
        if (out.record && opts.isCeleryQueue(out.record.queue)) await writeMeta(out.record, to, patch?.ttlS);
      } else if (out.reason === 'already-finished') {
        // A redelivery after a crash between the warren write and the Celery write: repair it.
        // Only then: written again, a meta took a fresh TTL at each duplicate (a failed job's
        // FAILURE lived a day past its record).
        const rec = await store.get(id);
        if (rec && isTerminal(rec.state) && opts.isCeleryQueue(rec.queue)) {
          const meta = await celeryMeta(celeryMetaIdOf(rec));
          if (!meta || !CELERY_READY_STATES.has(meta.status)) await writeMeta(rec, rec.state);
        }
      }
      return out;
    },
    // queued and scheduled have no Celery status (PENDING is never stored): nothing to mirror.
    create: (id, state, patch) => store.create(id, state, patch),
    claimIdempotencyKey: (k, id, ttlS) => store.claimIdempotencyKey(k, id, ttlS),
    releaseIdempotencyKey: (k, id) => store.releaseIdempotencyKey(k, id),
    async waitFor(id, timeoutMs, waitOpts = {}) {
      // A job on a warren queue ends with the store's own write: its waitFor hears of it (pub/sub
      // on TCP). Polling it too made every long-poll answer up to 1 s late once a config had one
      // Celery queue. Only Celery jobs need the metas read, so only they are polled.
      const until = Date.now() + timeoutMs;
      const rec = waitOpts.current ?? (await beforeWaitEnd(store.get(id), until, 'get'));
      if (store.waitFor && rec && !opts.isCeleryQueue(rec.queue))
        return store.waitFor(id, Math.max(0, until - Date.now()), waitOpts);
      return pollUntilTerminal(() => beforeWaitEnd(get(id), until, 'get'), until - Date.now(), {
        ...REST_POLL,
        signal: waitOpts.signal,
        current: waitOpts.current,
      });
    },
    async refused(r) {
      // The client may wait on any of them: a chain's or chord's AsyncResult is its last task's.
      // Those first: Celery's get() of a chain's result raises its first task's failure as soon as
      // it sees it, and the client then reading the result's own state found it still PENDING.
      const now = new Date();
      const write = (id: string) =>
        redis.storeMeta(key(id), JSON.stringify(refusalMeta(r, now, id)), expiresS);
      const also = [...new Set(r.alsoTaskIds ?? [])].filter((id) => id !== r.taskId);
      await Promise.all(also.map(write));
      await write(r.taskId);
    },
    close: () => store.close(),
  };
}

/** args/kwargs for `result_extended`, following the codec's documented input mapping. */
function argsOf(input: unknown): { args: unknown; kwargs: unknown } {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const o = input as Record<string, unknown>;
    if (Object.keys(o).every((k) => k === 'args' || k === 'kwargs') && Object.keys(o).length > 0) {
      return { args: o.args ?? [], kwargs: o.kwargs ?? {} };
    }
    return { args: [], kwargs: o };
  }
  return { args: Array.isArray(input) ? input : input == null ? [] : [input], kwargs: {} };
}
