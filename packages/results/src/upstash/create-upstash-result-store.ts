import { DEFAULT_PREFIX, keyLayout } from '../keys';
import { CREATE_LUA } from '../lua/create-script';
import { CLAIM_KEY_LUA, RELEASE_KEY_LUA } from '../lua/idempotency-scripts';
import { TRANSITION_LUA } from '../lua/transition-script';
import { pairsToHash } from '../record-codec';
import { RedisResultStore, type ScriptName } from '../redis-result-store';
import { type CallInfo, UpstashRest, type UpstashRetry, type UpstashScript } from './upstash-rest';

export interface UpstashResultStoreOptions {
  /** `UPSTASH_REDIS_REST_URL` (or the local endpoint of `warren redis-rest`). */
  url: string;
  token: string;
  prefix?: string;
  defaultTtlS?: number;
  defaultLeaseMs?: number;
  /**
   * Failed fetches are retried (network errors only). Production default: 3 retries, 100 ms
   * doubling. Tests pass `false` so an outage surfaces at once instead of being hidden.
   */
  retry?: UpstashRetry;
  /** A client to use as is (its options are the caller's business); `url`/`token` are then ignored. */
  client?: UpstashRest;
}

export const DEFAULT_UPSTASH_RETRY: UpstashRetry = { retries: 3, backoff: (n) => 100 * 2 ** n };

/** The REST client the store uses (shareable, e.g. with the Celery meta writer). */
export function upstashClient(opts: Pick<UpstashResultStoreOptions, 'url' | 'token' | 'retry'>): UpstashRest {
  return new UpstashRest({ url: opts.url, token: opts.token, retry: opts.retry ?? DEFAULT_UPSTASH_RETRY });
}

/**
 * The REST result store on Upstash's REST API: fetch only, so it runs on Lambda and edge runtimes
 * without a TCP pool. Scripts run by SHA (EVALSHA, EVAL on NOSCRIPT).
 */
export function createUpstashResultStore(opts: UpstashResultStoreOptions): RedisResultStore {
  const redis = opts.client ?? upstashClient(opts);
  const scripts: Record<ScriptName, UpstashScript> = {
    transition: resentRefusalsUnknown(redis.script(TRANSITION_LUA)),
    create: redis.script(CREATE_LUA),
    claim: redis.script(CLAIM_KEY_LUA),
    release: redis.script(RELEASE_KEY_LUA),
  };
  return new RedisResultStore(
    {
      script: (name, keys, args) => scripts[name].exec(keys, args),
      hgetall: async (key) => pairsToHash(await redis.command<string[]>(['HGETALL', key])),
      close: async () => {},
    },
    {
      keys: keyLayout(opts.prefix ?? DEFAULT_PREFIX),
      defaultTtlS: opts.defaultTtlS,
      defaultLeaseMs: opts.defaultLeaseMs,
    },
  );
}

/**
 * The transition script answers differently when it runs twice: resent after its reply was lost,
 * a `retrying` met its own write and came back `illegal`, on which the executor acks the delivery
 * instead of scheduling the retry, and the job was lost. When a call was resent, a refusal may be
 * that, so it becomes an error of that key (TRYAGAIN: recoverable; the delivery is released and
 * the next try sees the truth); an `ok` is this call's own. Not resending at all instead would
 * fail every write that met a stale keep-alive socket.
 *
 * An `ok` of a run's start may have met its own write too: the record `running` under this very
 * owner, so the reply said from `running`, which the executor takes for a lost run to take over
 * (WorkerLostError, the attempt spent where the transport keeps it: a job on its last attempt
 * failed and dead-lettered without running). Resent, a start's `running` is unknown: reported as
 * no earlier state, as writeRunStart reports a renewed lease after a try that timed out. A lost
 * run met by a resend whose first try never ran is then run as a new one: its attempt is not
 * spent, once.
 */
function resentRefusalsUnknown(script: UpstashScript): UpstashScript {
  return {
    exec: async (keys, args) => {
      const info: CallInfo = {};
      const reply = await script.exec(keys, args, info);
      if (!info.resent || !Array.isArray(reply)) return reply;
      return reply.map((r, i) => {
        if (!Array.isArray(r)) return r;
        if (r[0] === 'refused')
          return [
            'error',
            `TRYAGAIN outcome unknown: sent again after a failure, refused ${r[1]} (${r[2] || 'none'})`,
          ];
        return r[0] === 'ok' && r[1] === 'running' && isStart(args[i]) ? ['ok', '', ...r.slice(2)] : r;
      });
    },
  };
}

/** Whether a transition's segment (record-codec's encodeSegment) starts a run: to `running`, not a renewal. */
function isStart(segment: unknown): boolean {
  try {
    const v = JSON.parse(String(segment)) as unknown[];
    return v[0] === 'running' && v[8] !== '1';
  } catch {
    return false;
  }
}
