import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { OpenSink, Sink, SinkEvents } from './sink';
import { SQS_LIMITS, type SqsEntry, type SqsLimits, takeBatch, toSqsEntry } from './sqs-entry';
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

const THROTTLE = /throttl|RequestThrottled|TooManyRequests|SlowDown|ServiceUnavailable|InternalError/i;

/**
 * Destination on SQS: batches of ≤ 10 entries within the size limits, several batches in flight.
 * Per entry: success → confirmed; SenderFault → rejected (dead-lettered with the reason); other
 * failures are retried with backoff. A throttled or failed call backs off and resends the whole
 * batch; a client error that will not heal (no such queue, access denied) fails the link.
 */
export function sqsSink(dest: SqsDestination, opts: SqsSinkOptions = {}): OpenSink {
  const base = { ...SQS_LIMITS, ...opts.limits };
  const fifo = dest.fifo ?? dest.queueUrl.endsWith('.fifo');
  const concurrency = opts.concurrency ?? 16;
  return async (events: SinkEvents): Promise<Sink> => {
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

    const sendBatch = async (batch: SqsEntry[]) => {
      const byId = new Map<string, SqsEntry>();
      const Entries = batch.map((e) => {
        const Id = `m${seq++}`;
        byId.set(Id, e);
        return { Id, ...e.entry };
      });
      try {
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
      } catch (err) {
        if (closing) return;
        const e = err as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string };
        const status = e.$metadata?.httpStatusCode;
        const transient =
          THROTTLE.test(`${e.name} ${e.message}`) || !status || status >= 500 || status === 429;
        if (!transient) return events.failed(new Error(`sqs ${e.name}: ${e.message}`));
        throttleStreak++;
        const delay = backoff(throttleStreak);
        throttleUntil = Math.max(throttleUntil, Date.now() + delay);
        events.warn?.(`sqs ${e.name}: ${e.message}; backing off ${delay} ms`);
        requeue(batch, delay);
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
