import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OpenSink, Sink, SinkEvents } from './sink';
import { SQS_LIMITS, type SqsEntry, type SqsLimits, takeBatch, toSqsEntry } from './sqs-entry';
import { sqsErrorKind, sqsErrorText } from './sqs-error';
import type { SqsDestination } from './types';

export interface SqsSinkOptions {
  limits?: Partial<SqsLimits>;
  /** SendMessageBatch calls in flight at once. */
  concurrency?: number;
  client?: SQSClient;
  /** Bounds per HTTP request: an endpoint that accepts and never answers must not hang the link. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/**
 * Destination on SQS: batches of ≤ 10 entries within the size limits, several batches in flight.
 * Per entry: success → confirmed; SenderFault → rejected (dead-lettered with the reason); other
 * failures are retried with backoff. A throttled or failed call backs off and resends the whole
 * batch; a client error that will not heal (no such queue, access denied) fails the link; a batch
 * refused as a whole for what it carries is sent again one entry at a time (see sendBatch).
 */
export function sqsSink(dest: SqsDestination, opts: SqsSinkOptions = {}): OpenSink {
  const base = { ...SQS_LIMITS, ...opts.limits };
  const fifo = dest.fifo ?? dest.queueUrl.endsWith('.fifo');
  const concurrency = opts.concurrency ?? 16;
  return async (events: SinkEvents): Promise<Sink> => {
    // Loaded when an SQS destination opens, not with the forwarder: a drain whose links all go to
    // other brokers loaded the AWS SDK (~50 ms) at every cold start for nothing.
    const { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } = await import(
      '@aws-sdk/client-sqs'
    );
    const client =
      opts.client ??
      new SQSClient({
        region: dest.awsRegion ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(dest.endpoint ? { endpoint: dest.endpoint } : {}),
        // A local endpoint (local-aws-sqs) needs no real credentials; AWS takes the default chain.
        ...(dest.endpoint && !process.env.AWS_ACCESS_KEY_ID
          ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
          : {}),
        maxAttempts: 2,
        // Without these the SDK waits forever on a silent peer (its defaults are 0 = none), and a
        // request timeout only logs a warning unless told to throw.
        requestHandler: {
          connectionTimeout: opts.connectionTimeoutMs ?? 5000,
          requestTimeout: opts.requestTimeoutMs ?? 30_000,
          throwOnRequestTimeout: true,
        },
      });
    let limits = base;
    try {
      const res = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: dest.queueUrl,
          AttributeNames: ['QueueArn', 'MaximumMessageSize'],
        }),
      );
      // Sent as the other type, every message is refused: a batch refused for what it carries
      // goes one entry at a time (sendBatch), so each would be dead-lettered. Refused here, the
      // link restarts until its configuration is fixed, and dead-letters nothing. The type is
      // the ARN's: a FIFO queue's name ends in .fifo (AWS). Asked for by name, FifoQueue fails
      // the call for a standard queue (InvalidAttributeName: Unknown Attribute FifoQueue).
      const queueFifo = String(res.Attributes?.QueueArn ?? '').endsWith('.fifo');
      if (queueFifo !== fifo)
        throw new Error(
          `the queue is ${queueFifo ? 'FIFO' : 'standard'} but the link sends to it as ${fifo ? 'FIFO' : 'standard'}`,
        );
      // The queue may take less than SQS's 256 KiB. Over its limit a FIFO queue refuses the whole
      // batch (400 InvalidParameterValue; a standard queue fails that entry alone, dead-lettered
      // with SQS's reason): the link restarted on that message for ever, and the entries batched
      // with it never went. To a FIFO queue such a body is dead-lettered before it is sent.
      const queueMax = Number(res.Attributes?.MaximumMessageSize);
      if (fifo && queueMax > 0 && queueMax < base.maxMessageBytes)
        limits = { ...base, maxMessageBytes: queueMax };
    } catch (err) {
      if (!opts.client) client.destroy();
      // Named as the AMQP destination's start errors are: the SDK's own message says neither that
      // it is the destination nor which queue ('The specified queue does not exist.').
      const e = err as Error;
      const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
      throw new Error(`destination sqs ${dest.queueUrl}: ${name}${e.message}`);
    }
    const pending: SqsEntry[] = [];
    let inFlight = 0;
    let throttleUntil = 0;
    let throttleStreak = 0;
    let closing = false;
    let scheduled = false;
    let seq = 0;

    const schedule = (delay = 0) => {
      if (scheduled && delay === 0) return;
      scheduled = true;
      const run = () => {
        scheduled = false;
        pump();
      };
      if (delay > 0) setTimeout(run, delay);
      else setImmediate(run);
    };

    const pump = () => {
      if (closing) return;
      const wait = throttleUntil - Date.now();
      if (wait > 0) return schedule(wait);
      while (pending.length > 0 && inFlight < concurrency) {
        const batch = takeBatch(pending, limits);
        inFlight++;
        void sendBatch(batch).finally(() => {
          inFlight--;
          if (pending.length > 0) schedule();
        });
      }
    };

    const requeue = (entries: SqsEntry[], delayMs: number) => {
      setTimeout(() => {
        if (closing) return;
        pending.unshift(...entries);
        schedule();
      }, delayMs);
    };

    /** Sends `batch` in one call; throws what the call throws, the entries' outcomes go to `events`. */
    const sendEntries = async (batch: SqsEntry[]) => {
      const byId = new Map<string, SqsEntry>();
      const Entries = batch.map((e) => {
        const Id = `m${seq++}`;
        byId.set(Id, e);
        return { Id, ...e.entry };
      });
      const res = await client.send(new SendMessageBatchCommand({ QueueUrl: dest.queueUrl, Entries }));
      throttleStreak = 0;
      if (closing) return;
      for (const ok of res.Successful ?? []) {
        const e = byId.get(ok.Id!);
        if (e) events.confirmed(e.tag);
      }
      const retry: SqsEntry[] = [];
      for (const f of res.Failed ?? []) {
        const e = byId.get(f.Id!);
        if (!e) continue;
        if (f.SenderFault) events.rejected(e.tag, `sqs rejected: ${f.Code}: ${f.Message}`);
        else {
          e.attempts++;
          retry.push(e);
          events.warn?.(`sqs entry failed (${f.Code}), retrying`);
        }
      }
      if (retry.length) requeue(retry, backoff(Math.max(...retry.map((e) => e.attempts))));
    };

    /** A throttled or unanswered call: the whole sink backs off, `entries` go again after it. */
    const backOff = (entries: SqsEntry[], err: unknown) => {
      throttleStreak++;
      const delay = backoff(throttleStreak);
      throttleUntil = Math.max(throttleUntil, Date.now() + delay);
      events.warn?.(`sqs ${sqsErrorText(err)}; backing off ${delay} ms`);
      requeue(entries, delay);
    };

    /** A failed call for `entries` that no entry caused: back off (transient) or restart the link. */
    const onError = (entries: SqsEntry[], err: unknown) => {
      if (sqsErrorKind(err) === 'transient') backOff(entries, err);
      else events.failed(new Error(`sqs ${sqsErrorText(err)}`));
    };
    const refused = (e: SqsEntry, err: unknown) =>
      events.rejected(e.tag, `sqs rejected: ${sqsErrorText(err)}`);

    const sendBatch = async (batch: SqsEntry[]) => {
      try {
        await sendEntries(batch);
      } catch (err) {
        if (closing) return;
        if (sqsErrorKind(err) !== 'refused') return onError(batch, err);
        if (batch.length === 1) return refused(batch[0]!, err);
        // SQS refused the whole batch for what it carries (a FIFO queue does so for one bad entry,
        // e.g. one the pre-checks miss): restarting the link brought that message back first, for
        // ever, holding back every message batched with it. Each entry goes again alone, in the
        // batch's order, each call awaited before the next; one refused alone is dead-lettered
        // with SQS's reason. A later entry of its FIFO group still goes, after it, as SQS's own
        // redrive to a DLQ lets a group go on: holding the group would stall it for good, and
        // dead-lettering the rest would dead-letter valid messages. (Groups are per job, see
        // sqs-entry: such an entry is another copy of the same job.)
        events.warn?.(
          `sqs refused a batch of ${batch.length} (${sqsErrorText(err)}); sending its entries one by one`,
        );
        for (let i = 0; i < batch.length; i++) {
          if (closing) return;
          try {
            await sendEntries([batch[i]!]);
          } catch (err) {
            if (closing) return;
            if (sqsErrorKind(err) === 'refused') refused(batch[i]!, err);
            // Throttled: this entry and those after it go again after the backoff, in their order.
            else return onError(batch.slice(i), err);
          }
        }
      }
    };

    return {
      description: `sqs ${dest.queueUrl}${fifo ? ' (fifo)' : ''}`,
      send: (item) => {
        const e = toSqsEntry(item, fifo, limits);
        if ('reason' in e) return events.rejected(item.tag, e.reason);
        pending.push(e);
        if (pending.length >= limits.maxEntries) pump();
        else schedule();
      },
      close: async () => {
        closing = true;
        if (!opts.client) client.destroy();
      },
    };
  };
}

function backoff(attempt: number): number {
  const cap = Math.min(10_000, 100 * 2 ** Math.min(attempt, 10));
  return Math.round(cap / 2 + (Math.random() * cap) / 2);
}
