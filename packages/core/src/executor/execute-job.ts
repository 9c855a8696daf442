import { type JobError, type JobState, TransportError } from '@warren/protocol';
import type { Delivery } from '../ports/consumer';
import type { TransitionOutcome, TransitionPatch } from '../ports/result-store';
import { parseJobInput, parseSchema } from '../task/parse-schema';
import { OutputSchemaError } from './errors';
import type {
  ExecuteOptions,
  ExecutionEvent,
  ExecutionOutcome,
  ExecutorDeps,
  JobExecution,
} from './executor-types';
import { expireJob } from './expire-job';
import { describeInputIssues } from './input-issues';
import { inputRefusals } from './input-refusals';
import { lostStarts } from './lost-starts';
import { recordPatch } from './record-patch';
import { recordResult } from './record-result';
import { recordNotStored, refusedForGood } from './refused-record';
import { leaseMargin, runBudget, runTimeoutAfterStart } from './run-budget';
import { RunContext, type RunScope } from './run-context';
import { runWithTimeoutLazy } from './run-with-timeout';
import { alreadyFailed, deadLetterAgain, deferBehindLease, failJob, failWith, skip } from './settle-delivery';
import { settleThrown } from './settle-thrown';
import { writeRunStart } from './store-outage-retry';
import { unknownTask } from './unknown-task';
import { cancelWatch } from './watch-cancel';
import { WorkerLostError } from './worker-lost-error';
import { writeBefore } from './write-before';

export type { ExecuteOptions, ExecutionEvent, ExecutionOutcome, ExecutorDeps } from './executor-types';
export { LeaseLostError } from './lease-lost-error';
export { LEASE_MARGIN_MS } from './run-budget';
export { WorkerLostError } from './worker-lost-error';

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
  const unconfirmed = lostStarts();
  const refusedInputs = inputRefusals();
  // Every write here needs only ok/refused: the store skips reading the record back. Patches are
  // built by `execute` for the one job, so they are marked in place.
  const write = (id: string, to: JobState, patch: TransitionPatch) => {
    patch.returnRecord = false;
    return results.transition(id, to, patch);
  };

  async function execute(delivery: Delivery, opts: ExecuteOptions = {}): Promise<ExecutionOutcome> {
    const { job } = delivery;
    // Counting receives (SQS), runs lost with their worker take the count past maxAttempts: the
    // last of them was the last attempt (see lostRunSpent), never an attempt 3 of 2.
    const counted = delivery.attemptCountsReceives === true;
    const attempt = counted ? Math.min(delivery.attempt, job.maxAttempts) : delivery.attempt;
    const task = tasks.get(job.task);
    const ttlS = task?.resultTtlS ?? deps.resultTtlS;
    // A start of this job this executor made whose outcome it never learned (see lost-starts.ts).
    const taking = unconfirmed.take(`${job.id}/${attempt}`);
    const earlier = taking instanceof Promise ? await taking : taking;
    const owner = earlier ?? `${deps.workerId}/${++seq}`;
    const x: JobExecution = {
      deps,
      delivery,
      job,
      attempt,
      owner,
      ttlS,
      emit,
      write: opts.deadlineMs === undefined ? write : writeBefore(write, opts.deadlineMs),
      deadlineMs: opts.deadlineMs,
      inputRefusals: refusedInputs,
    };

    const expired = job.expiresAt !== undefined && Date.parse(job.expiresAt) <= Date.now();
    if (!task?.handler) {
      // Not handed back past its expiry: a worker that knows the task would only expire it.
      const graceMs = deps.unknownTaskGraceMs ?? 0;
      if (graceMs > 0 && expired) return expireJob(x);
      return unknownTask(x, graceMs, () => lostRunSpent(delivery, attempt, opts));
    }
    if (expired) return expireJob(x);
    const parsing = parseJobInput(task.input, job.input);
    const parsed = parsing instanceof Promise ? await parsing : parsing;
    if (!parsed.success) {
      const message = describeInputIssues(parsed.issues);
      return failJob(x, { type: 'InvalidInput', message, retryable: false }, 'invalid input');
    }

    const budget = runBudget(job, task.timeoutMs, ttlS, opts.deadlineMs, leaseMargin(deps));
    const { leaseMs, runTtlS, doneTtlS } = budget;
    let started: TransitionOutcome;
    try {
      started = await writeRunStart(
        x,
        recordPatch(job, runTtlS, attempt, owner, leaseMs),
        earlier !== undefined,
      );
    } catch (err) {
      // Given back (`retrying` under this owner) once the store answers, for the record's life.
      if (err instanceof TransportError && err.recoverable)
        unconfirmed.remember(
          `${job.id}/${attempt}`,
          owner,
          giveBack(write, job.id, owner, runTtlS),
          runTtlS * 1000,
        );
      // Refused for good (an input over the store's request limit): handed back, every delivery
      // would be refused again. Failed without its input if the store takes that; else it
      // refuses every job, and the error hands the delivery back (see refused-record.ts).
      if (!refusedForGood(err)) throw err;
      const error = recordNotStored(x, err);
      const patch = recordPatch(job, ttlS, undefined, undefined, undefined, error);
      patch.input = undefined;
      return failWith(x, patch, error, 'refused by the result store');
    }
    if (!started.ok) {
      if (started.reason === 'lease-held') return deferBehindLease(x, started.leaseRemainingMs ?? leaseMs);
      if (alreadyFailed(started)) return deadLetterAgain(x);
      return skip(x, started.reason); // already finished (or cancelled): a duplicate, recorded once
    }
    // Still `running` under a lapsed lease: its worker died mid-run. Run again as the same attempt,
    // a job that kills its worker ran forever (each time taking the worker's other jobs down).
    // No duration: nothing ran here (a 0 put a 0 s sample in the job-duration metrics per takeover).
    if (started.from === 'running' && lostRunSpent(delivery, attempt, opts))
      return settleThrown(x, new WorkerLostError(job.id, attempt), undefined, doneTtlS);
    // A start that took long (a store slow to answer, a retried try) ran into the time the run
    // was given: under a deadline (a Lambda invocation's) the run is cut to what is left, or it
    // ran past it and the invocation died mid-run (a lost run, its attempt spent on redelivery).
    const timeoutMs = runTimeoutAfterStart(budget.timeoutMs, opts.deadlineMs);
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
      return settleThrown(x, err, performance.now() - t0, doneTtlS, opts.signal);
    }
    return recordResult(x, value, performance.now() - t0, doneTtlS);
  }

  /**
   * Fails a job without running it, as `execute` fails an unknown task: the record (created from
   * the envelope if missing), then the DLQ with `reason`; a duplicate of a finished job is skipped.
   * For callers that know a delivery can never run here (a Lambda record no invocation could fit).
   */
  function fail(delivery: Delivery, error: JobError, reason: string): Promise<ExecutionOutcome> {
    const { job, attempt } = delivery;
    const ttlS = tasks.get(job.task)?.resultTtlS ?? deps.resultTtlS;
    const owner = `${deps.workerId}/${++seq}`;
    const x = { deps, delivery, job, attempt, owner, ttlS, emit, write, inputRefusals: refusedInputs };
    return failJob(x, error, reason);
  }

  return { execute, fail };
}

export type Executor = ReturnType<typeof createExecutor>;

/**
 * A lost start's give-back (see lost-starts.ts): made here, not in `execute`, so that the closure
 * kept for it holds these strings only, not the job (its input) with the rest of a run's scope.
 */
function giveBack(
  write: (id: string, to: JobState, patch: TransitionPatch) => Promise<TransitionOutcome>,
  id: string,
  owner: string,
  ttlS: number,
): () => Promise<TransitionOutcome> {
  return () => write(id, 'retrying', { owner, ttlS });
}

/**
 * Whether taking over a lost run (its record `running` under a lapsed lease) spends `attempt`.
 * A transport that keeps the attempt on redelivery (AMQP, the in-memory broker) hands the lost
 * run's own attempt back: spent here (lostRunSpendsAttempt), unless it came above the envelope's.
 * One that counts receives (SQS) counted the lost run already, and again in a deferred copy's
 * envelope (a copy made behind the lost run's lease carries that count: spending it again cost a
 * crash two attempts on the SQS poll worker): spent only once the count passed maxAttempts, i.e.
 * the lost run was the last attempt, on every SQS worker kind.
 */
function lostRunSpent(delivery: Delivery, attempt: number, opts: ExecuteOptions): boolean {
  if (delivery.attemptCountsReceives) return delivery.attempt > delivery.job.maxAttempts;
  return opts.lostRunSpendsAttempt === true && attempt <= delivery.job.attempt;
}
