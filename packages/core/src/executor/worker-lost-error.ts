/**
 * A job's record was still `running` under a run whose lease lapsed: that run's worker stopped
 * without settling it (a crash, kill -9, out of memory, a task that exits the process), or could
 * not write its end (the result store down; the message was handed back). Recorded
 * as the attempt's error when the transport hands the message back with the same attempt (AMQP):
 * the takeover spends that attempt instead of running it as the same one again, so a job that
 * kills its worker ends after maxAttempts (BullMQ's stalled-job limit) instead of looping.
 */
export class WorkerLostError extends Error {
  constructor(jobId: string, attempt: number) {
    super(
      `job ${jobId}: attempt ${attempt} never settled and its lease lapsed: its worker stopped mid-run (crash, kill -9, out of memory, the task ended the process) or could not record the end (result store unreachable)`,
    );
    this.name = 'WorkerLostError';
  }
}
