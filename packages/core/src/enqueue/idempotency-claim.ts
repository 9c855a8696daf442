import {
  ConflictError,
  type JobEnvelope,
  type JobRecord,
  UnavailableError,
  UnprocessableError,
} from '@warren/protocol';
import type { ResultStore } from '../ports/result-store';
import { canonicalJson } from './canonical-json';
import type { EnqueueResult, ProducerEvent } from './producer';

/** Marks an idempotency key whose job's publish had an unknown outcome (see `settle`). */
const UNCONFIRMED = 'unconfirmed:';

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
    const unconfirmed = owner.startsWith(UNCONFIRMED);
    const ownerId = unconfirmed ? owner.slice(UNCONFIRMED.length) : owner;
    const rec = await results.get(ownerId);
    if (rec) {
      if (!sameRequest(rec, env)) throw reused(key);
      deps.onEvent?.({ type: 'replayed', jobId: ownerId, idempotencyKey: key });
      return { replay: replayResponse(rec, baseUrl) };
    }
    if (!unconfirmed) {
      throw new ConflictError(`a request with idempotency key "${key}" is still being accepted`);
    }
    // The earlier publish may have landed: publish again under its id, which the worker runs once.
    return { id: ownerId, claimed: false };
  }

  /** After a failed publish: release the key only when nothing can have been enqueued under it. */
  async function settle(key: string, id: string, claimed: boolean, err: unknown, ttlS: number) {
    // UnavailableError: every region timed out or dropped before confirming, so the message may
    // be in a queue. Its key keeps naming the id, marked, so a retry publishes that same id.
    const unknownOutcome = err instanceof UnavailableError;
    if (!claimed) return; // an earlier request's marked key: still unknown, keep the mark
    await results.releaseIdempotencyKey(key, id);
    if (unknownOutcome) await results.claimIdempotencyKey(key, UNCONFIRMED + id, ttlS);
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

  return { claim, settle };
}

/**
 * Whether a retry names the recorded job's request: task, resolved queue and input (key order
 * aside). A replay of another request would tell the caller a job it never enqueued was accepted
 * (the IETF Idempotency-Key draft asks for a 422). A record without input (created by a worker
 * after the producer's record write failed) cannot be compared on input.
 */
function sameRequest(rec: JobRecord, env: JobEnvelope): boolean {
  if (rec.task !== env.task || rec.queue !== env.queue) return false;
  return rec.input === undefined || canonicalJson(rec.input) === canonicalJson(env.input);
}

const reused = (key: string) =>
  new UnprocessableError(`idempotency key "${key}" was used for a different request`, [
    { path: 'idempotencyKey', message: 'already used with a different task, queue or input' },
  ]);
