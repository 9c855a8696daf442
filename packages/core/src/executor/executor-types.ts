import type { JobEnvelope, JobError, JobState } from '@warren/protocol';
import type { Delivery } from '../ports/consumer';
import type { ResultStore, TransitionOutcome, TransitionPatch } from '../ports/result-store';
import type { AnyTask } from '../task/define-task';
import type { InputRefusals } from './input-refusals';
import type { RunScope } from './run-context';
import type { Runaways } from './runaways';

export type ExecutionOutcome =
  | 'succeeded'
  | 'retried'
  | 'failed'
  | 'skipped'
  | 'expired'
  | 'deferred'
  | 'released';

export interface ExecutionEvent {
  type: 'started' | ExecutionOutcome;
  job: JobEnvelope;
  attempt: number;
  durationMs?: number;
  error?: JobError;
  delayMs?: number;
  reason?: string;
  /** A `failed` for a job already recorded failed (its DLQ copy came back): dead-lettered again, not a new failure. */
  repeat?: true;
}

export interface ExecutorDeps {
  tasks: ReadonlyMap<string, AnyTask>;
  results: ResultStore;
  /** Unique per process; lease owners are derived from it. */
  workerId: string;
  /** Default record TTL (seconds) when the task sets none. */
  resultTtlS: number;
  onEvent?: (event: ExecutionEvent) => void;
  random?: () => number;
  /** Where runs that outlive their timeout are counted (the long-running worker's slots). */
  runaways?: Runaways;
  /** Runs each task inside the caller's scope (observability: the job's trace span). */
  runScope?: RunScope;
  /** How often a running task that reads ctx.signal has its record checked for a cancellation. */
  cancelPollMs?: number;
  /**
   * A run's lease is its timeout plus this (default LEASE_MARGIN_MS, 30 s): the time its end has
   * to be recorded after a timeout, and what a copy delivered meanwhile (or a dead worker's job)
   * waits beyond the timeout. `worker.leaseMarginMs` in the config.
   */
  leaseMarginMs?: number;
  /**
   * How long after a job was due one of a task this executor lacks is handed back for a worker
   * that has it (a rolling deploy), before it fails (see unknown-task.ts). Default 0: at once.
   * `worker.unknownTaskGraceMs` in the config.
   */
  unknownTaskGraceMs?: number;
}

export interface ExecuteOptions {
  /** Absolute epoch ms by which the task must be done (Lambda's remaining time). */
  deadlineMs?: number;
  /** Aborts the running task (shutdown). */
  signal?: AbortSignal;
  /**
   * The transport hands a message whose worker died back with the same attempt (AMQP): taking
   * over such a run spends its attempt (a WorkerLostError retry, or the job failed on its last
   * attempt) instead of running it again. A delivery that counts receives (SQS) needs no option:
   * see Delivery.attemptCountsReceives.
   */
  lostRunSpendsAttempt?: boolean;
}

/** One delivery being executed: what each step of it (settling, expiring, recording) needs. */
export interface JobExecution {
  readonly deps: ExecutorDeps;
  readonly delivery: Delivery;
  readonly job: JobEnvelope;
  readonly attempt: number;
  /** This run's lease owner. */
  readonly owner: string;
  /** The record's TTL once the job is over: the task's, else the default. */
  readonly ttlS: number;
  readonly emit: (e: ExecutionEvent) => void;
  /** A transition that needs only ok/refused: the store skips reading the record back. */
  readonly write: (id: string, to: JobState, patch: TransitionPatch) => Promise<TransitionOutcome>;
  /** ExecuteOptions.deadlineMs: a store outage at the run's end is waited out only until then. */
  readonly deadlineMs?: number;
  /** This job's deliveries whose input the store refused for memory (see refused-record.ts). */
  readonly inputRefusals?: InputRefusals;
}
