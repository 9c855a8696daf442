import { type JobEnvelope, type JobState, TransportError } from '@warren/protocol';
import type { TransitionOutcome, TransitionPatch } from '../ports/result-store';
import type { TaskContext } from '../task/define-task';
import { lostReason } from './lease-lost-error';
import { recordPatch } from './record-patch';
import type { LazyAbort } from './run-with-timeout';
import type { CancelWatch } from './watch-cancel';

/**
 * Runs one task run inside the caller's scope and hands it the `traceparent` to send downstream:
 * observability runs it inside the job's span (so the task's own spans and child jobs nest
 * under it); without one, the envelope's.
 */
export type RunScope = <T>(
  job: JobEnvelope,
  attempt: number,
  run: (traceparent: string | undefined) => Promise<T>,
) => Promise<T>;

/** What a task sees of its run: one object per job, its accessors on the prototype. */
export class RunContext implements TaskContext {
  readonly jobId: string;
  readonly maxAttempts: number;
  readonly queue: string;
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
  constructor(
    private readonly job: JobEnvelope,
    readonly attempt: number,
    private readonly abort: LazyAbort,
    private readonly write: (id: string, to: JobState, patch: TransitionPatch) => Promise<TransitionOutcome>,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly ttlS: number,
    /** The run's own trace context (its span's) when a scope gives one; else the envelope's. */
    traceparent: string | undefined = job.traceparent,
    private readonly watchCancel?: CancelWatch,
  ) {
    this.jobId = job.id;
    this.maxAttempts = job.maxAttempts;
    this.queue = job.queue;
    this.traceparent = traceparent;
    this.tracestate = job.tracestate;
  }

  get signal(): AbortSignal {
    const { abort } = this;
    // The first read: a task that reads its signal can stop, so it is told of a cancellation.
    if (!abort.read && this.watchCancel && !abort.over) this.watchCancel(this.jobId, abort);
    return abort.signal;
  }

  /** A getter, so `{ progress }` destructured from the context still works; the bound function is made only when a task asks for it. */
  get progress(): (value: unknown) => Promise<void> {
    return (value) => {
      const reported = this.report(value);
      // A task that does not await its report (a refusal: a value JSON cannot hold) must not make an
      // unhandled rejection: Lambda's runtime ends the invocation on one, and its whole batch with
      // it. The report is lost, not the run; a task that awaits it still gets the rejection.
      reported.catch(() => {});
      return reported;
    };
  }

  private async report(progress: unknown): Promise<void> {
    // A task still going after its timeout or a shutdown would move the record back to `running`
    // under a fresh lease, and hold off the job's next attempt until that lapsed.
    // Aborted (cancelled, lease lost): the job is no longer this run's, nothing to renew.
    if (this.abort.over || this.abort.aborted) return;
    const { owner, leaseMs, ttlS } = this;
    // A renewal: refused unless this run still holds the job (its lease lapsed in a stall and the
    // job moved on: a start would revive it).
    let out: TransitionOutcome;
    try {
      out = await this.write(this.jobId, 'running', { owner, progress, leaseMs, ttlS, renew: true });
      // No record at all: Redis lost it (see record-lost.ts), no other run has the job. Made again
      // as this run's; a run that took the job meanwhile holds its lease and still wins.
      if (!out.ok && out.state === undefined) {
        const patch = recordPatch(this.job, ttlS, this.attempt, owner, leaseMs);
        out = await this.write(this.jobId, 'running', { ...patch, progress });
      }
    } catch (err) {
      // The store unreachable for a moment: this report is lost, not the run. Thrown into the
      // task, it failed the attempt though the run's lease (taken for its whole timeout) held.
      if (err instanceof TransportError && err.recoverable) return;
      throw err;
    }
    // Refused: whatever the run does now is not recorded, and may clash with the run that has the
    // job now; its signal tells a cooperative task to stop.
    if (!out.ok) this.abort.abort(lostReason(this.jobId, out.state));
  }
}
