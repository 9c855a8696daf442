import {
  ConflictError,
  type JobEnvelope,
  type JobRecord,
  UnavailableError,
  UnprocessableError,
} from '@warren/protocol';
import type { ResultStore } from '../ports/result-store';
import { beforeWaitEnd } from '../state/before-wait-end';
import { UNCONFIRMED } from '../state/key-names';
import { canonicalJson } from './canonical-json';
import { clientIdempotencyKey } from './idempotency-scope';
import type { EnqueueResult, ProducerEvent } from './producer';
import { requestFingerprint } from './request-fingerprint';
import { retryInBackground } from './retry-in-background';

/** How long a release or mark of a key after a failure is tried again while the store fails. */
const STORE_RETRY_MS = 1500;
/** The longest pause between a late release's tries (unclaim). */
const LATER_PAUSE_MS = 5000;

export type ClaimOutcome = { replay: EnqueueResult } | { replay?: undefined; id: string; claimed: boolean };

export interface IdempotencyDeps {
  results: ResultStore;
  /** Region named in a replay of a record that has none. */
  region: string;
  onEvent?: (e: ProducerEvent) => void;
}

/**
 * The producer's idempotency keys: claim, replay (only of the same request) and settle after a
 * failed publish. Shared by the ingest and `@warren/sdk/direct` through the producer, so both
 * answer a reused key alike. A fresh key costs its one claim round trip and nothing else.
 */
export function createIdempotency(deps: IdempotencyDeps) {
  const { results } = deps;

  /**
   * Claims `key` for `env.id`. Answers the replay when the key's job exists, or the id to publish
   * under: `env.id` itself, or the id of an earlier request whose publish had an unknown outcome.
   */
  async function claim(key: string, env: JobEnvelope, ttlS: number, baseUrl: string): Promise<ClaimOutcome> {
    const owner = await results.claimIdempotencyKey(key, env.id, ttlS);
    if (owner === env.id) return { id: owner, claimed: true };
    const mark = parseOwner(owner);
    const rec = await results.get(mark.id);
    if (rec) {
      if (!(await sameRequest(rec, mark.fingerprint, env))) throw reused(key);
      deps.onEvent?.({ type: 'replayed', jobId: mark.id, idempotencyKey: key });
      return { replay: replayResponse(rec, baseUrl) };
    }
    if (!mark.unconfirmed) {
      // No record, yet the key names the job: it is being accepted, or it was accepted and its
      // record write failed, and it may wait in its queue for long. Never a second job under the
      // key while the first may still run: a finished job's key ends with its record (the stores
      // see to it), so only a key that expires frees it. Mostly a publish in flight: retry soon.
      throw new ConflictError(
        `a request with idempotency key "${clientIdempotencyKey(key)}" is still being accepted`,
        {
          retryAfterS: 1,
        },
      );
    }
    // Republishing another request's body under the earlier id would have the worker run
    // whichever copy comes first: only the same request may take the id.
    if (!(await sameRequest(undefined, mark.fingerprint, env))) throw reused(key);
    // The earlier publish may have landed: publish again under its id, which the worker runs once.
    return { id: mark.id, claimed: false };
  }

  /**
   * After a claim that failed in the store (a TransportError: a command timeout, a dropped
   * connection): it may have run with only its reply lost, the key then naming `id`, a job never
   * published, and every retry under the key would find it "still being accepted" (409) until
   * the key expired, a day or more: the job never enqueued. Nothing was published under `id`, so
   * the key is released if it names it (a no-op otherwise), tried again while the store fails
   * (persistently). (A store that is down outright answers such a request's 503 up to
   * STORE_RETRY_MS later.) A store that stays silent past that (a Redis frozen: a paused VM, a
   * stalled fork) still holds the claim and runs it once it resumes: the release goes on after
   * the answer until one is answered, which a store runs after a claim it held.
   */
  async function unclaim(key: string, id: string, ttlS: number): Promise<void> {
    const release = () => results.releaseIdempotencyKey(key, id);
    // Tried until the key would have expired: a frozen store runs the claim it held when it
    // resumes, before any command of a connection made since (each try waits for one), so an
    // answered release came after it.
    if (!(await persistently(release))) retryInBackground(release, Date.now() + ttlS * 1000, LATER_PAUSE_MS);
  }

  /** After a failed publish: release the key only when nothing can have been enqueued under it. */
  async function settle(key: string, env: JobEnvelope, claimed: boolean, err: unknown, ttlS: number) {
    // UnavailableError: every region timed out or dropped before confirming, so the message may
    // be in a queue. Its key keeps naming the id, marked with the request's fingerprint, so only a
    // retry of the same request publishes that same id.
    const unknownOutcome = err instanceof UnavailableError;
    if (!claimed) return; // an earlier request's marked key: still unknown, keep the mark
    const mark = unknownOutcome ? `${UNCONFIRMED}${env.id}:${await requestFingerprint(env)}` : '';
    // Both steps again while the store fails (as unclaim): a release that ran with its reply lost
    // left the key free, the mark never written, and a retry then published a job of its own
    // beside the one that may be queued. Again, the release is a no-op and the claim finds the mark.
    await persistently(async () => {
      await results.releaseIdempotencyKey(key, env.id);
      if (mark) await results.claimIdempotencyKey(key, mark, ttlS);
    });
  }

  /**
   * `step` (store calls safe to repeat) until it succeeds, for up to STORE_RETRY_MS: the failure
   * that lost a reply often took the connection with it (the TCP store drops one whose command
   * timed out, and a command sent before it is back fails at once). A try that does not answer
   * in time may still land late, which each step allows for.
   */
  async function persistently(step: () => Promise<unknown>): Promise<boolean> {
    const until = Date.now() + STORE_RETRY_MS;
    const done = () =>
      beforeWaitEnd(step(), until, 'idempotency key').then(
        () => true,
        () => false,
      );
    for (let pauseMs = 50; !(await done()); pauseMs *= 2) {
      if (Date.now() + pauseMs >= until) return false;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    return true;
  }

  function replayResponse(rec: JobRecord, baseUrl: string): EnqueueResult {
    return {
      replayed: true,
      response: {
        id: rec.id,
        task: rec.task,
        queue: rec.queue,
        state: rec.state,
        region: rec.region ?? deps.region,
        enqueuedAt: rec.enqueuedAt,
        ...(rec.notBefore ? { notBefore: rec.notBefore } : {}),
        links: { self: `${baseUrl}/v1/jobs/${rec.id}` },
      },
    };
  }

  return { claim, unclaim, settle };
}

/** A key's value: a job id, or `unconfirmed:<id>[:<fingerprint>]` (no fingerprint from older producers). */
function parseOwner(owner: string): { id: string; unconfirmed: boolean; fingerprint?: string } {
  if (!owner.startsWith(UNCONFIRMED)) return { id: owner, unconfirmed: false };
  const rest = owner.slice(UNCONFIRMED.length);
  const colon = rest.indexOf(':'); // job ids (UUIDv7, ULID) hold no colon
  if (colon < 0) return { id: rest, unconfirmed: true };
  return { id: rest.slice(0, colon), unconfirmed: true, fingerprint: rest.slice(colon + 1) };
}

/**
 * Whether a retry names the earlier request: task, resolved queue and input (key order aside).
 * A replay of another request would tell the caller a job it never enqueued was accepted (the
 * IETF Idempotency-Key draft asks for a 422). Compared with the record when it holds the input,
 * else with the unconfirmed key's fingerprint; with neither (a record a worker created, a mark
 * from an older producer) there is nothing to compare and the retry goes through.
 */
async function sameRequest(rec: JobRecord | undefined, fingerprint: string | undefined, env: JobEnvelope) {
  if (rec && (rec.task !== env.task || rec.queue !== env.queue)) return false;
  if (rec?.input !== undefined) return canonicalJson(rec.input) === canonicalJson(env.input);
  return fingerprint === undefined || fingerprint === (await requestFingerprint(env));
}

const reused = (key: string) =>
  // The key as the caller sent it: its scope (the caller's API key) is ours, not its.
  new UnprocessableError(`idempotency key "${clientIdempotencyKey(key)}" was used for a different request`, [
    { path: 'idempotencyKey', message: 'already used with a different task, queue or input' },
  ]);
