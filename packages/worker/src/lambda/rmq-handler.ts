import {
  copyDueIn,
  type Delivery,
  type ExecuteOptions,
  type Executor,
  holdUntil,
  type JobEnvelope,
  type Publisher,
  parseEnvelope,
} from '@warren/core';
import { createPoisonGuard, failPoisoned } from '../poison-guard';
import { functionTooShort, type InvocationContext, jobTimeoutMs, startGate } from './deadline';
import { mapLimit } from './map-limit';
import { prepareQueues } from './prepare-queues';
import { RmqBatchError } from './rmq-batch-error';
import { type DecodedRmqMessage, type RmqEvent, rmqMessages } from './rmq-event';
import { safeDecode } from './safe-decode';

export type RmqDecodeResult =
  | { ok: true; job: JobEnvelope; attempt?: number }
  | { ok: false; reason: string };

/**
 * The broker-side moves the handler needs beyond publishing a job; the amqp adapter provides
 * them (see stacks/functions/rmq-worker.ts). Each resolves once the broker confirmed.
 */
export interface RmqSink {
  /** Puts the message on `<queue>.dlq` with the reason (which carries the last error). */
  deadLetter(queue: string, message: DecodedRmqMessage, reason: string): Promise<void>;
  /** When a message that went through a delay tier is due (epoch ms), if it says so. */
  dueAt(message: DecodedRmqMessage): number | undefined;
  /**
   * Sends a message that came back from a delay tier too early through the next tier; a `dueAt`
   * not in the future sends it straight back to the queue, body and properties unchanged.
   */
  hop(queue: string, message: DecodedRmqMessage, dueAt: number): Promise<void>;
  /** Declares `queue` with its `<queue>.dlq` (see prepareQueues); optional. */
  prepare?(queue: string): Promise<void>;
}

export interface RmqHandlerDeps {
  executor: Executor;
  /** Republishes retries (attempt + 1) with `delayMs`: the amqp adapter routes them through its delay tiers. */
  publisher: Publisher;
  sink: RmqSink;
  /** Messages processed at once. */
  concurrency: number;
  /** Body + properties → job (per-queue codecs, e.g. Celery); default: the warren envelope JSON. */
  decode?: (message: DecodedRmqMessage) => RmqDecodeResult;
  onError?: (err: unknown, message: DecodedRmqMessage) => void;
  /** A task's timeout (ms): its message starts only while that still fits in the invocation. */
  timeoutOf?: (task: string) => number | undefined;
}

export { RmqBatchError };

export type RmqHandler = (event: RmqEvent, context?: InvocationContext) => Promise<void>;

const defaultDecode = (m: DecodedRmqMessage): RmqDecodeResult => parseEnvelope(m.content);

/** How long a message handed back after an infrastructure failure waits before it comes again. */
const HAND_BACK_PAUSE_MS = 2000;

/**
 * A message back from its tier with less than this left is waited out here: the smallest default
 * delay tier, through which a hop would send it (and the event source's batching after it).
 */
const HOLD_UNDER_TIER_MS = 250;

/**
 * `aws:rmq` event handler. Lambda acknowledges the whole batch when the invocation succeeds and
 * redelivers all of it when it throws (there is no partial batch response), so one bad job must
 * never throw: retries are republished to the delay tier, failures and poison messages go to
 * `<queue>.dlq`, early arrivals from a delay tier hop on, messages that would start too close to
 * the invocation's end go back to their queue unrun (or, when no invocation of this function
 * could start them, to `<queue>.dlq`), a job that hit an infrastructure failure (result store
 * down) goes back to its queue alone after a pause, and only a message that cannot be handed back
 * either (broker down too) fails the invocation.
 * Jobs that already finished are skipped on the redelivery by the result store.
 */
export function createRmqHandler(deps: RmqHandlerDeps): RmqHandler {
  const decode = deps.decode ?? defaultDecode;
  // In the warm container's memory: a message handed back to it again and again for the same
  // non-infrastructure failure goes to the DLQ with the error (see poison-guard.ts); spread over
  // N containers, after 5·N at most.
  const poison = createPoisonGuard();

  function delivery(m: DecodedRmqMessage, job: JobEnvelope, attempt: number) {
    let settled: string | undefined;
    const settle = (s: string) => {
      if (settled) throw new Error(`job ${job.id} already settled (${settled})`);
      settled = s;
    };
    const d: Delivery & { readonly released: boolean; readonly settled: boolean } = {
      job,
      attempt,
      redelivered: m.redelivered,
      get released() {
        return settled === 'release';
      },
      get settled() {
        return settled !== undefined;
      },
      async ack() {
        settle('ack'); // Lambda acks the batch when the invocation returns
      },
      async retry(delayMs) {
        settle('retry');
        await deps.publisher.publish(m.queue, copyDueIn(job, attempt + 1, delayMs), { delayMs });
      },
      async defer(delayMs) {
        settle('defer');
        await deps.publisher.publish(m.queue, copyDueIn(job, attempt, delayMs), { delayMs });
      },
      async deadLetter(reason) {
        settle('dead-letter');
        await deps.sink.deadLetter(m.queue, m, reason);
      },
      async release() {
        settle('release');
      },
    };
    return d;
  }

  return async (event, context) => {
    const gate = startGate(context);
    const messages = rmqMessages(event);
    await prepareQueues(messages, deps.sink);
    const causes: unknown[] = [];
    // A message whose job did not run to a result (result store or broker trouble) goes back to
    // its queue alone, after a pause. Failing the invocation instead would make Lambda redeliver
    // the whole batch, and jobs already retried in it would run and republish again. Only a
    // message that cannot be handed back either fails the invocation.
    const handBack = async (m: DecodedRmqMessage, cause: unknown) => {
      try {
        await deps.sink.hop(m.queue, m, Date.now() + HAND_BACK_PAUSE_MS);
      } catch {
        causes.push(cause);
      }
    };
    await mapLimit(messages, deps.concurrency, async (m) => {
      let d: ReturnType<typeof delivery> | undefined;
      try {
        const decoded = safeDecode(decode, m);
        if (!decoded.ok) {
          await deps.sink.deadLetter(m.queue, m, decoded.reason);
          return;
        }
        const job = decoded.job;
        const due = Math.max(deps.sink.dueAt(m) ?? 0, job.notBefore ? Date.parse(job.notBefore) || 0 : 0);
        if (due > Date.now()) {
          if (due - Date.now() >= HOLD_UNDER_TIER_MS) {
            await deps.sink.hop(m.queue, m, due); // a long delay cascades through the tiers
            return;
          }
          await holdUntil(due); // nearly due: a tier hop would make it a tier (and a batch) late
        }
        const timeoutMs = jobTimeoutMs(job, deps.timeoutOf?.(job.task));
        if (gate.tooLate(timeoutMs) && gate.neverFits(timeoutMs)) {
          // Sent back, it would come to an invocation as short as this one, for ever, unseen.
          d = delivery(m, job, decoded.attempt ?? job.attempt);
          const error = functionTooShort(job.task, timeoutMs, gate.startMs);
          await deps.executor.fail(d, error, 'function timeout too short');
          return;
        }
        if (gate.tooLate(timeoutMs)) {
          // Too little time left to run it: back to its queue as it came, attempt unspent. Not a
          // batch failure: that would redeliver (and re-run the retries of) the whole batch.
          await deps.sink.hop(m.queue, m, Date.now());
          return;
        }
        d = delivery(m, job, decoded.attempt ?? job.attempt);
        // Amazon MQ hands a message back with the same attempt when an invocation died mid-run.
        const opts: ExecuteOptions = { deadlineMs: gate.deadlineMs(), lostRunSpendsAttempt: true };
        await deps.executor.execute(d, opts);
        poison.settled(d);
        if (d.released) await handBack(m, new Error(`job ${d.job.id} released`));
      } catch (err) {
        deps.onError?.(err, m);
        // Settled (acked, retried, dead-lettered) before the error: handing it back would duplicate it.
        if (d?.settled && !d.released) causes.push(err);
        else if (d && poison.failed(d, err))
          await failPoisoned(deps.executor, delivery(m, d.job, d.attempt), err, (reason) =>
            deps.sink.deadLetter(m.queue, m, reason),
          ).catch(() => handBack(m, err));
        else await handBack(m, err);
      }
    });
    if (causes.length > 0) throw new RmqBatchError(causes.length, messages.length, causes);
  };
}
