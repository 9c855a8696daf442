import type { JobError, JobRecord, JobState } from '@warren/protocol';

/** Fields a transition may set. Creation fields are used only when the record does not exist yet. */
export interface TransitionPatch {
  task?: string;
  queue?: string;
  input?: unknown;
  enqueuedAt?: string;
  maxAttempts?: number;
  region?: string;
  notBefore?: string;
  expiresAt?: string;
  idempotencyKey?: string;
  /** Attempt number now running (set on `running`). */
  attempts?: number;
  result?: unknown;
  error?: JobError;
  progress?: unknown;
  /** Lease owner; transitions out of `running` must carry the current owner. */
  owner?: string;
  /** Lease length for `running`; after it lapses another owner may take the job over. */
  leaseMs?: number;
  /**
   * With `running`: a renewal (progress, heartbeat) of the caller's own run, never a start. Refused
   * `not-owner` unless the job is `running` under `owner`: a run whose lease lapsed must not take
   * the job back from a newer run, nor bring back one that moved on (`retrying`), nor create it.
   */
  renew?: boolean;
  /**
   * With `retrying`, alone: the transport confirmed the retry copy (this attempt) of the job
   * retrying after attempt `nextAttempt - 1`. No state change; refused `not-owner` once the record
   * moved on (that attempt started, the job ended). A start of an earlier attempt is then refused
   * `not-owner`: a copy of the failed attempt whose ack was lost (a connection drop, a Lambda
   * batch redelivered), or deferred behind its run's lease, would otherwise run it again beside
   * its retry. Without the mark (the copy never confirmed) that copy is the job's only one and runs.
   */
  nextAttempt?: number;
  /**
   * With an end state (`expired`): the job ends without a run, as a delivery found past its
   * expiresAt ends it. Refused `lease-held` while another owner's run holds the job's lease (a
   * copy must not end a run started before the expiry); from a waiting state, or a run whose
   * lease lapsed, it ends the job at once. Never through `running`: that stamped `startedAt` on
   * a job that never started.
   */
  unlessLeased?: boolean;
  /**
   * Applies to an existing record only: refused `missing` when there is none, and the patch's
   * creation fields may be left out. A worker's start sends them only then (a job published
   * straight to the broker): sent on every start, the input was encoded twice per job and
   * decoded again by the store for the rare missing record.
   */
  ifExists?: boolean;
  /** Record TTL in seconds (reset on every transition; the terminal one is what counts). */
  ttlS?: number;
  /**
   * false: the outcome may leave out `record` (hot paths that only need ok/refused: reading the
   * whole hash back and decoding it was ~20% of a worker's CPU per job). Default true.
   */
  returnRecord?: boolean;
}

export type TransitionRefusal =
  /** The job is already in a terminal state: acknowledge the delivery and skip it. */
  | 'already-finished'
  /** Not a legal move from the current state. */
  | 'illegal'
  /** Another owner holds an unexpired lease on `running`. */
  | 'lease-held'
  /** The caller's lease was taken over by a newer owner (or, for a renewal, is not running it). */
  | 'not-owner'
  /** `ifExists` and there is no record: send the creation fields. */
  | 'missing';

/** The states a job's record starts in when the producer creates it. */
export type CreationState = 'queued' | 'scheduled';

export type TransitionOutcome =
  /** `record` is always there unless the patch set `returnRecord: false`. */
  | { ok: true; record?: JobRecord; from: JobState | undefined }
  | { ok: false; reason: TransitionRefusal; state: JobState | undefined; leaseRemainingMs?: number };

export interface ResultStore {
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Atomic: reads the state, checks the move is legal, writes, resets the TTL. Rejects only on
   * store failure. A terminal write also cuts the TTL of the record's `idempotencyKey`, when that
   * key still names the job (its id or the producer's `unconfirmed:<id>…` mark), to the record's:
   * a key without its record then never names a finished job, only one that may still come.
   */
  transition(id: string, to: JobState, patch?: TransitionPatch): Promise<TransitionOutcome>;
  /**
   * The producer's first write for a job id it just made: creates the record in `state` with
   * the patch's fields, unless a record exists (a worker saw the job first), which is refused
   * like `transition` would refuse it (`already-finished` when terminal, else `illegal`). For a
   * fresh id it is `transition` from no record, and stores may run it cheaper (no state machine,
   * no lease). `returnRecord` is ignored: the outcome never carries the record.
   */
  create(id: string, state: CreationState, patch?: TransitionPatch): Promise<TransitionOutcome>;
  /** Returns `id` when the key was free (now claimed), else the job id that claimed it first. */
  claimIdempotencyKey(key: string, id: string, ttlS: number): Promise<string>;
  /** Frees a key claimed by `id` (its publish failed), so a retry of the request can go through. */
  releaseIdempotencyKey(key: string, id: string): Promise<void>;
  /**
   * Optional: the record once it is terminal, or as it is when `timeoutMs` runs out (undefined if
   * there is none). A store that hears of completions (Redis pub/sub) answers as soon as the job
   * finishes; callers poll `get` when a store does not offer it. `current`: the record as the
   * caller just read it, so a store that polls starts with a pause, not a second read.
   */
  waitFor?(
    id: string,
    timeoutMs: number,
    opts?: { signal?: AbortSignal; current?: JobRecord },
  ): Promise<JobRecord | undefined>;
  close(): Promise<void>;
}
