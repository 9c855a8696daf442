import type { JobEnvelope, JobError, JobState } from '@warren/protocol';
import type { Delivery } from '../ports/consumer';
import type { ResultStore, TransitionOutcome, TransitionPatch } from '../ports/result-store';
import { backoffDelay } from '../retry/backoff';
import type { AnyTask } from '../task/define-task';
import { parseJobInput, parseSchema } from '../task/parse-schema';
import { classify, OutputSchemaError, toJobError, withinDeferWindow } from './errors';
import { resultJsonProblem, resultStoreRefusal, unstorable } from './result-json';
import { RunContext, type RunScope } from './run-context';
import { runWithTimeoutLazy } from './run-with-timeout';
import type { Runaways } from './runaways';
import { cancelWatch } from './watch-cancel';

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
}

export interface ExecuteOptions {
  /** Absolute epoch ms by which the task must be done (Lambda's remaining time). */
  deadlineMs?: number;
  /** Aborts the running task (shutdown). */
  signal?: AbortSignal;
}

/** A run's lease: its timeout plus this (a copy delivered meanwhile is deferred that long). */
export const LEASE_MARGIN_MS = 30_000;
const DEADLINE_SAFETY_MS = 1_000;

/**
 * Runs one delivery to a recorded outcome. Acks only after the result is written (acks_late);
 * a result-store failure rejects, leaving the delivery unsettled for the caller to release.
 */
export function createExecutor(deps: ExecutorDeps) {
  const { tasks, results } = deps;
  let seq = 0;
  const emit = (e: ExecutionEvent) => deps.onEvent?.(e);
  const scope: RunScope = deps.runScope ?? ((job, _attempt, run) => run(job.traceparent));
  const watchCancel = cancelWatch(results, deps.cancelPollMs);
  // Every write here needs only ok/refused: the store skips reading the record back. Patches are
  // built by `execute` for the one job, so they are marked in place.
  const write = (id: string, to: JobState, patch: TransitionPatch) => {
    patch.returnRecord = false;
    return results.transition(id, to, patch);
  };

  // Dead-lettering removes a failed job's message, so one that comes back is a DLQ copy that was
  // not confirmed (an SQS send error, a missing DLQ): acked, it would be lost.
  const deadLetterAgain = async (delivery: Delivery, attempt: number): Promise<ExecutionOutcome> => {
    const reason = 'already failed; redelivered after its dead-lettering, dead-lettered again';
    await delivery.deadLetter(reason);
    emit({ type: 'failed', job: delivery.job, attempt, reason, repeat: true });
    return 'failed';
  };

  // Back on the queue after `delayMs` without spending an attempt (with `retry`, each deferral
  // cost one): nothing ran here (another run holds the lease), or the task asked (DeferError).
  const defer = async (
    delivery: Delivery,
    attempt: number,
    delayMs: number,
    reason: 'lease-held' | 'task',
    durationMs?: number,
  ): Promise<ExecutionOutcome> => {
    await (delivery.defer ? delivery.defer(delayMs) : delivery.retry(delayMs));
    emit({ type: 'deferred', job: delivery.job, attempt, delayMs, reason, durationMs });
    return 'deferred';
  };
  // Another run holds the job's lease: come back once it would have lapsed.
  const deferBehindLease = (delivery: Delivery, attempt: number, leaseRemainingMs: number) =>
    defer(delivery, attempt, leaseRemainingMs + 1000, 'lease-held');

  async function execute(delivery: Delivery, opts: ExecuteOptions = {}): Promise<ExecutionOutcome> {
    const { job, attempt } = delivery;
    const task = tasks.get(job.task);
    const ttlS = task?.resultTtlS ?? deps.resultTtlS;
    const owner = `${deps.workerId}/${++seq}`;
    // The record as the job's first transition would create it (a store creates the record from
    // these fields when it is missing, e.g. for a job published straight to the broker). Built per
    // write as one literal: spreading a shared base into each patch allocated it twice.
    const record = (
      attempts?: number,
      owner?: string,
      leaseMs?: number,
      error?: JobError,
      recordTtlS = ttlS,
    ): TransitionPatch => ({
      task: job.task,
      queue: job.queue,
      input: job.input,
      enqueuedAt: job.enqueuedAt,
      maxAttempts: job.maxAttempts,
      region: job.origin,
      notBefore: job.notBefore,
      expiresAt: job.expiresAt,
      idempotencyKey: job.idempotencyKey,
      ttlS: recordTtlS,
      attempts,
      owner,
      leaseMs,
      error,
    });

    const fail = async (
      error: JobError,
      reason: string,
      runOwner?: string,
      failTtlS = ttlS,
    ): Promise<ExecutionOutcome> => {
      const out = await write(job.id, 'failed', record(undefined, runOwner, undefined, error, failTtlS));
      // Refused because it already failed: this message outlived its dead-lettering (see below).
      if (!out.ok && out.reason !== 'illegal' && !alreadyFailed(out)) {
        await delivery.ack();
        emit({ type: 'skipped', job, attempt, reason: out.reason });
        return 'skipped';
      }
      await delivery.deadLetter(`${reason}: ${error.type}: ${error.message}`);
      emit({ type: 'failed', job, attempt, error, reason, ...(alreadyFailed(out) && { repeat: true }) });
      return 'failed';
    };

    if (!task?.handler) {
      const error = {
        type: 'UnknownTask',
        message: `no handler for task ${job.task} here`,
        retryable: false,
      };
      return fail(error, 'unknown task');
    }
    if (job.expiresAt && Date.parse(job.expiresAt) <= Date.now()) {
      // With this run's owner: a copy of a job that another run started before its expiry (the
      // same id published twice) must not expire it under that run, whose result would be lost.
      let out = await write(job.id, 'expired', record(undefined, owner));
      if (!out.ok && out.reason === 'not-owner') {
        // Running elsewhere, or it was and that worker died: expire it once its lease is gone.
        const took = await write(job.id, 'running', record(undefined, owner, LEASE_MARGIN_MS));
        if (!took.ok && took.reason === 'lease-held')
          return deferBehindLease(delivery, attempt, took.leaseRemainingMs ?? LEASE_MARGIN_MS);
        out = took.ok ? await write(job.id, 'expired', { owner, ttlS }) : took;
      }
      if (alreadyFailed(out)) return deadLetterAgain(delivery, attempt);
      await delivery.ack();
      emit({ type: out.ok ? 'expired' : 'skipped', job, attempt });
      return out.ok ? 'expired' : 'skipped';
    }
    const parsing = parseJobInput(task.input, job.input);
    const parsed = parsing instanceof Promise ? await parsing : parsing;
    if (!parsed.success) {
      const msg = parsed.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
      return fail({ type: 'InvalidInput', message: msg, retryable: false }, 'invalid input');
    }

    const timeoutMs = Math.max(
      1,
      Math.min(
        job.timeoutMs !== undefined && job.timeoutMs < task.timeoutMs ? job.timeoutMs : task.timeoutMs,
        (opts.deadlineMs ?? Number.POSITIVE_INFINITY) - Date.now() - DEADLINE_SAFETY_MS,
      ),
    );
    const leaseMs = timeoutMs + LEASE_MARGIN_MS;
    // ttlS counts from the job's end: a record kept only that long while the job runs (or waits
    // for its retry) expired under it, and the result write then found no record and was refused.
    const runTtlS = ttlS + Math.ceil(leaseMs / 1000);
    // A copy of this job deferred while it ran (lease-held) comes back up to a lease later (plus
    // the delay tiers' and the queue's lateness): the finished record must still be there then,
    // or that copy would run the job again.
    const doneTtlS = Math.max(ttlS, Math.ceil(leaseMs / 1000) + 60);
    const started = await write(job.id, 'running', record(attempt, owner, leaseMs, undefined, runTtlS));
    if (!started.ok) {
      if (started.reason === 'lease-held')
        return deferBehindLease(delivery, attempt, started.leaseRemainingMs ?? leaseMs);
      if (alreadyFailed(started)) return deadLetterAgain(delivery, attempt);
      await delivery.ack(); // already finished (or cancelled): a duplicate, recorded once
      emit({ type: 'skipped', job, attempt, reason: started.reason });
      return 'skipped';
    }
    emit({ type: 'started', job, attempt });

    const t0 = performance.now();
    let value: unknown;
    try {
      value = await runWithTimeoutLazy(
        (abort) =>
          scope(job, attempt, (tp) =>
            task.handler!(
              parsed.data,
              new RunContext(job, attempt, abort, write, owner, leaseMs, runTtlS, tp, watchCancel),
            ),
          ),
        timeoutMs,
        opts.signal,
        deps.runaways && ((run) => deps.runaways!.track(run, { jobId: job.id, task: job.task, attempt })),
      );
      if (task.output) {
        const checking = parseSchema(task.output, value);
        const out = checking instanceof Promise ? await checking : checking;
        if (!out.success) throw new OutputSchemaError(out.issues.map((i) => i.message).join('; '));
        value = out.data;
      }
    } catch (err) {
      const durationMs = performance.now() - t0;
      if (opts.signal?.aborted) {
        // Shutdown, not the job's fault: hand it back without spending an attempt.
        const ttl = Math.max(ttlS, deps.resultTtlS); // handed back: it waits in the queue again
        await write(job.id, 'retrying', { error: toJobError(err, true), owner, ttlS: ttl });
        await delivery.release();
        emit({ type: 'released', job, attempt, durationMs, reason: 'shutdown' });
        return 'released';
      }
      const steer = err instanceof OutputSchemaError ? { retryable: false } : classify(err);
      // DeferError: not a failure, so no attempt spent (the last one included) and no error kept;
      // past the defer window it is a retry, so a task that always defers ends.
      const deferring = steer.defer === true && withinDeferWindow(job);
      const lastAttempt = !deferring && attempt >= job.maxAttempts;
      const error = toJobError(err, steer.retryable && !lastAttempt);
      if (!error.retryable) {
        const why = steer.retryable ? `failed after ${attempt} attempts` : 'non-retriable error';
        return fail(error, why, owner, doneTtlS);
      }
      const delayMs = steer.delayMs ?? backoffDelay(job.backoff, attempt, deps.random);
      // Waiting for its retry (and maybe a backlog after it): not the short TTL of a finished job.
      const waitTtlS = Math.max(ttlS, deps.resultTtlS) + Math.ceil(delayMs / 1000);
      const out = await write(job.id, 'retrying', {
        error: deferring ? undefined : error,
        owner,
        ttlS: waitTtlS,
      });
      if (!out.ok) {
        await delivery.ack();
        emit({ type: 'skipped', job, attempt, reason: out.reason });
        return 'skipped';
      }
      if (deferring) return defer(delivery, attempt, delayMs, 'task', durationMs);
      await delivery.retry(delayMs);
      emit({ type: 'retried', job, attempt, error, delayMs, durationMs });
      return 'retried';
    }
    const durationMs = performance.now() - t0;
    let done: TransitionOutcome;
    try {
      if (unstorable(value)) throw new TypeError('unstorable result');
      done = await write(job.id, 'succeeded', { result: value ?? null, owner, ttlS: doneTtlS });
    } catch (err) {
      // A result JSON cannot hold, or one the store refuses for good, fails the job: rethrown, the
      // delivery would be released and the job run again, forever (each time behind its own lease).
      const problem = resultJsonProblem(value);
      const refusal = problem === undefined ? resultStoreRefusal(err) : undefined;
      if (problem === undefined && refusal === undefined) throw err;
      const error = problem
        ? { type: 'ResultNotSerializable', message: problem, retryable: false }
        : { type: 'ResultNotStored', message: refusal!, retryable: false };
      return fail(
        error,
        problem ? 'result not serializable' : 'result refused by the store',
        owner,
        doneTtlS,
      );
    }
    await delivery.ack();
    emit({
      type: done.ok ? 'succeeded' : 'skipped',
      job,
      attempt,
      durationMs,
      reason: done.ok ? undefined : done.reason,
    });
    return done.ok ? 'succeeded' : 'skipped';
  }

  return { execute };
}

export type Executor = ReturnType<typeof createExecutor>;

const alreadyFailed = (out: TransitionOutcome): boolean =>
  !out.ok && out.reason === 'already-finished' && out.state === 'failed';
