import {
  type Delivery,
  type ExecuteOptions,
  type Executor,
  HOLD_UNDER_MS,
  holdUntil,
  msUntil,
  TransportError,
} from '@warren/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { functionTooShort, type InvocationContext, jobTimeoutMs, startGate } from './deadline';
import { mapLimit } from './map-limit';

/** A delivery made from an SQS record in Lambda mode (see `@warren/sqs` createSqsDelivery). */
export interface LambdaSqsDelivery extends Delivery {
  /** The record must be listed in `batchItemFailures` (retry, release). */
  readonly keep: boolean;
  /** How it was settled; undefined while it is not. */
  readonly settlement?: string;
  /**
   * Hands the message back unrun, to be received again after `delayMs` (a visibility change:
   * `keep`, report it; or a fresh copy: not `keep`, the original is deleted). No record write.
   */
  defer(delayMs: number): Promise<void>;
}

export type SqsRecordMapping = { ok: true; delivery: LambdaSqsDelivery } | { ok: false; reason: string };

/**
 * Turns records into deliveries and dead-letters bodies that are not envelopes; supplied by the
 * entry point (`@warren/sqs` createLambdaRecordMapper) so this package imports no AWS SDK.
 */
export interface SqsRecordMapper {
  map(record: SQSRecord): Promise<SqsRecordMapping>;
  /** Dead-letters a record whose body is not a job; true = leave it on the queue (report it). */
  deadLetter(record: SQSRecord, reason: string): Promise<boolean>;
  /** Whether this receive is the queue's last (its redrive moves the next one to the DLQ); never rejects. */
  lastReceive?(record: SQSRecord): Promise<boolean>;
}

export interface SqsHandlerDeps {
  executor: Executor;
  records: SqsRecordMapper;
  /** Records processed at once in a standard-queue batch. */
  concurrency: number;
  onError?: (err: unknown, record: SQSRecord) => void;
  /** A task's timeout (ms): its record starts only while that still fits in the invocation. */
  timeoutOf?: (task: string) => number | undefined;
}

export type SqsHandler = (event: SQSEvent, context?: InvocationContext) => Promise<SQSBatchResponse>;

/**
 * SQS event → partial batch response. Records listed in `batchItemFailures` (by SQS message id)
 * come back: retries after the visibility timeout the executor set to the backoff delay (a failed
 * job is copied to the DLQ with its reason by the mapper, and not listed). A record whose run
 * found the result store unreachable is handed back unspent (a fresh copy after the queue's
 * visibility timeout; reported if SQS fails too); other errors report the record (on the queue's
 * last receive, copy it to the DLQ with the error); neither fails the batch. Records not yet due
 * (`notBefore`) or that would start too close to the invocation's end are handed back unrun (`defer`: reported,
 * or deleted when the mapper sent a fresh copy), unless no invocation of this function could
 * start them (its timeout is too short): those fail into the DLQ. FIFO batches run each message
 * group in order, groups side by side; a record that is not done is reported with everything
 * after it in its message group, and other groups go on.
 */
export function createSqsHandler(deps: SqsHandlerDeps): SqsHandler {
  async function processRecord(record: SQSRecord, gate: ReturnType<typeof startGate>): Promise<boolean> {
    let d: LambdaSqsDelivery | undefined;
    try {
      const mapped = await deps.records.map(record);
      if (!mapped.ok) return !(await deps.records.deadLetter(record, mapped.reason));
      d = mapped.delivery;
      // Delayed past SQS's 15 min DelaySeconds: keep it hidden until due (the RMQ handler hops).
      const wait = msUntil(d.job.notBefore);
      if (wait >= HOLD_UNDER_MS) {
        await d.defer(wait);
        return !d.keep; // not kept: the mapper sent a fresh copy, the original is to be deleted
      }
      // Nearly due (a delay through RabbitMQ's tiers arrives up to a remainder early): handed
      // back, DelaySeconds' whole seconds made it up to a second (and an invocation) late.
      if (wait > 0) await holdUntil(Date.now() + wait);
      const timeoutMs = jobTimeoutMs(d.job, deps.timeoutOf?.(d.job.task));
      if (gate.tooLate(timeoutMs)) {
        if (gate.neverFits(timeoutMs)) {
          // Handed back, the next invocation (as short) would hand it back too, for ever, unseen:
          // a deferral is a fresh copy, so the redrive policy never counted it either.
          const error = functionTooShort(d.job.task, timeoutMs, gate.startMs);
          await deps.executor.fail(d, error, 'function timeout too short');
          return !d.keep;
        }
        // Best effort: if SQS refuses, it comes back after the visibility timeout instead.
        const ok = await d.defer(0).then(
          () => true,
          (err) => deps.onError?.(err, record),
        );
        return ok === true && !d.keep;
      }
      const opts: ExecuteOptions = { deadlineMs: gate.deadlineMs() };
      await deps.executor.execute(d, opts);
      return !d.keep;
    } catch (err) {
      deps.onError?.(err, record);
      // Not settled, the result store unreachable: handed back unspent, as the poll consumer and
      // the RMQ handler do. Reported, each invocation counted a receive towards the redrive's
      // maxReceiveCount, and an outage that long moved the job to the DLQ unrun. Anything else
      // (a refused write, a bug) would fail the same way again: reported, it spends its receives
      // (copies would go round for ever), and its last is dead-lettered with the error below.
      if (d && d.settlement === undefined && err instanceof TransportError && err.recoverable) {
        const back = await d.release().then(
          () => true,
          () => false,
        );
        if (back) return !d.keep;
      }
      // So on every receive, the redrive would move it to the DLQ after its last, with no reason
      // (and its record unchanged): on the last, it is copied there here, with the error.
      if (d && d.settlement === undefined && (await deps.records.lastReceive?.(record)))
        return deps.records.deadLetter(record, `worker error on its last receive: ${err}`).then(
          (kept) => !kept,
          () => false,
        );
      return false;
    }
  }

  return async (event, context) => {
    const gate = startGate(context);
    const records = event.Records ?? [];
    const failed = new Set<SQSRecord>();
    if (records[0]?.eventSourceARN?.endsWith('.fifo')) {
      // Order holds within a message group: its records run one after the other, and one not
      // done holds back the rest of its group (reported unrun). Groups run side by side up to
      // the concurrency: one at a time, a batch of 10 (the forwarder gives every job its own
      // group) took 10 task times and the start gate handed its tail back, each hand-back a
      // receive FIFO counts as an attempt.
      const groups = new Map<string, SQSRecord[]>();
      for (const r of records) {
        const group = r.attributes?.MessageGroupId ?? '';
        const list = groups.get(group);
        if (list) list.push(r);
        else groups.set(group, [r]);
      }
      await mapLimit([...groups.values()], deps.concurrency, async (group) => {
        let blocked = false;
        for (const record of group) {
          if (!blocked && (await processRecord(record, gate))) continue;
          blocked = true;
          failed.add(record);
        }
      });
    } else {
      const done = await mapLimit(records, deps.concurrency, (r) => processRecord(r, gate));
      records.forEach((r, i) => {
        if (!done[i]) failed.add(r);
      });
    }
    const batchItemFailures = records
      .filter((r) => failed.has(r))
      .map((r) => ({ itemIdentifier: r.messageId }));
    return { batchItemFailures };
  };
}
