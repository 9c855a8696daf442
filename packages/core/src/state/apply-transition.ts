import { canTransition, isTerminal, type JobRecord, type JobState } from '@warren/protocol';
import type { TransitionOutcome, TransitionPatch } from '../ports/result-store';

/** A record plus the lease bookkeeping that never leaves the store. */
export interface StoredRecord extends JobRecord {
  owner?: string;
  leaseUntil?: number;
  /** The attempt whose retry copy the transport confirmed (TransitionPatch.nextAttempt). */
  nextAttempt?: number;
}

export const DEFAULT_LEASE_MS = 60_000;

/**
 * The job state machine as one pure function. The in-memory store runs it directly; the Redis
 * store's Lua script (packages/results) implements the same rules, and the shared ResultStore
 * contract suite holds both to them.
 */
export function applyTransition(
  current: StoredRecord | undefined,
  id: string,
  to: JobState,
  patch: TransitionPatch,
  nowMs: number,
): { outcome: TransitionOutcome; next?: StoredRecord } {
  const from = current?.state;
  if (from && isTerminal(from)) return { outcome: { ok: false, reason: 'already-finished', state: from } };
  if (!current && patch.ifExists) return { outcome: { ok: false, reason: 'missing', state: undefined } };
  if (patch.nextAttempt !== undefined) return markNextAttempt(current, to, patch.nextAttempt);
  if (!canTransition(from, to)) return { outcome: { ok: false, reason: 'illegal', state: from } };
  if (to === 'running' && patch.renew && (from !== 'running' || !sameOwner(patch.owner, current?.owner))) {
    return { outcome: { ok: false, reason: 'not-owner', state: from } };
  }

  // A copy of an earlier attempt (deferred behind a lease, redelivered after a lost ack) once a
  // later attempt has started, or its retry copy was confirmed (nextAttempt): the job moved past
  // it; started, it ran beside the retries.
  if (
    to === 'running' &&
    !patch.renew &&
    current &&
    (patch.attempts ?? 0) > 0 &&
    Math.max(current.attempts, current.nextAttempt ?? 0) > patch.attempts!
  ) {
    return { outcome: { ok: false, reason: 'not-owner', state: from } };
  }
  // An end without a run (unlessLeased): only a live run of another owner keeps the job.
  const unrun = patch.unlessLeased === true && to !== 'running';
  if (current && from === 'running' && current.owner) {
    const leaseLeft = (current.leaseUntil ?? 0) - nowMs;
    if ((to === 'running' || unrun) && patch.owner !== current.owner && leaseLeft > 0) {
      return { outcome: { ok: false, reason: 'lease-held', state: from, leaseRemainingMs: leaseLeft } };
    }
    if (to !== 'running' && !unrun && patch.owner && patch.owner !== current.owner) {
      return { outcome: { ok: false, reason: 'not-owner', state: from } };
    }
  }
  // A write naming an owner is that run's: once the job has left running (a newer owner took it
  // over and scheduled its retry), the run is stale and may not end the job.
  if (!unrun && from && from !== 'running' && to !== 'running' && patch.owner) {
    return { outcome: { ok: false, reason: 'not-owner', state: from } };
  }

  const now = new Date(nowMs).toISOString();
  const base: StoredRecord = current ?? {
    id,
    task: patch.task ?? 'unknown',
    queue: patch.queue ?? 'default',
    state: to,
    attempts: 0,
    enqueuedAt: patch.enqueuedAt ?? now,
    ...pick(patch, ['input', 'maxAttempts', 'region', 'notBefore', 'expiresAt', 'idempotencyKey']),
  };
  const next: StoredRecord = { ...base, state: to };
  if (patch.attempts !== undefined) next.attempts = patch.attempts;
  if (patch.result !== undefined) next.result = patch.result;
  if (patch.error !== undefined) next.error = patch.error;
  if (patch.progress !== undefined) next.progress = patch.progress;

  if (to === 'running') {
    // An empty owner is no owner, as in the Redis script (it cannot store one apart from the other).
    const owner = patch.owner || undefined;
    const renewal = from === 'running' && sameOwner(owner, current?.owner);
    if (!renewal) next.startedAt = now;
    if (owner) next.owner = owner;
    else delete next.owner;
    next.leaseUntil = nowMs + (patch.leaseMs ?? DEFAULT_LEASE_MS);
  } else {
    delete next.owner;
    delete next.leaseUntil;
  }
  if (isTerminal(to)) next.finishedAt = now;
  return { outcome: { ok: true, record: toPublic(next), from }, next };
}

/**
 * The retry copy of the job's last attempt was confirmed: kept on the record retrying after
 * that attempt, not a move (see TransitionPatch.nextAttempt).
 */
function markNextAttempt(
  current: StoredRecord | undefined,
  to: JobState,
  nextAttempt: number,
): { outcome: TransitionOutcome; next?: StoredRecord } {
  const from = current?.state;
  if (to !== 'retrying' || from !== 'retrying' || current!.attempts !== nextAttempt - 1) {
    return { outcome: { ok: false, reason: 'not-owner', state: from } };
  }
  const next: StoredRecord = { ...current!, nextAttempt };
  return { outcome: { ok: true, record: toPublic(next), from }, next };
}

/** An empty owner is no owner, as in the Redis script (it cannot store one apart from the other). */
const sameOwner = (a: string | undefined, b: string | undefined): boolean =>
  (a || undefined) === (b || undefined);

export function toPublic(rec: StoredRecord): JobRecord {
  const { owner: _o, leaseUntil: _l, nextAttempt: _n, ...pub } = rec;
  return pub;
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
