import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type JobEnvelope,
  type Publisher,
  type PublishOptions,
  sqsSafeJson,
  TransportError,
} from '@warren/core';
import { sqsCall } from './errors';
import { isFifoUrl, MAX_BATCH_ENTRIES, MAX_DELAY_S, MAX_PAYLOAD_BYTES, toSeconds } from './limits';
import { type QueueUrlOptions, queueUrlResolver } from './queue-urls';
import { withNotBefore } from './with-not-before';

export interface SqsPublisherOptions extends QueueUrlOptions {
  client: SQSClient;
  /** FIFO queues: the message group (ordering unit); default the job's queue. */
  messageGroupId?: (job: JobEnvelope) => string;
  /** How long a publish may wait for others to share its batch (default 0: the next macrotask). */
  lingerMs?: number;
}

interface Pending {
  entry: SendMessageBatchRequestEntry;
  bytes: number;
  resolve(): void;
  reject(err: unknown): void;
}

const encoder = new TextEncoder();

/**
 * Publisher onto SQS. Publishes issued together are sent as SendMessageBatch requests (≤ 10
 * entries, ≤ 256 KiB); each publish resolves when SQS accepted its entry and rejects alone when
 * its entry failed. The body is the envelope JSON, byte for byte what goes on AMQP (a delay over
 * 15 min without a matching notBefore gets one: see withNotBefore).
 */
export function createSqsPublisher(opts: SqsPublisherOptions): Publisher {
  const urlFor = queueUrlResolver(opts);
  const buffers = new Map<string, Pending[]>();
  const inFlight = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function schedule(): void {
    timer ??= setTimeout(() => {
      timer = undefined;
      for (const url of [...buffers.keys()]) flush(url);
    }, opts.lingerMs ?? 0);
  }

  function flush(url: string): void {
    const batch = buffers.get(url);
    if (!batch?.length) return;
    buffers.delete(url);
    const p = send(url, batch).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  async function send(url: string, batch: Pending[]): Promise<void> {
    batch.forEach((p, i) => {
      p.entry.Id = String(i);
    });
    let out: SendMessageBatchCommandOutput;
    try {
      out = await sqsCall('SendMessageBatch', () =>
        opts.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: batch.map((p) => p.entry) })),
      );
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
    for (const [i, p] of batch.entries()) {
      const f = failed.get(String(i));
      if (!f) p.resolve();
      else
        p.reject(
          new TransportError(`SendMessageBatch entry: ${f.Code}: ${f.Message ?? ''}`, !f.SenderFault, {
            cause: f,
          }),
        );
    }
  }

  return {
    publish(queue: string, job: JobEnvelope, po: PublishOptions = {}): Promise<void> {
      if (closed) return Promise.reject(new TransportError('SQS publisher is closed', false));
      let url: string;
      try {
        url = urlFor(queue);
      } catch (err) {
        return Promise.reject(new TransportError((err as Error).message, false, { cause: err }));
      }
      const body = sqsSafeJson(JSON.stringify(withNotBefore(job, po.delayMs)));
      const bytes = encoder.encode(body).byteLength;
      if (bytes > MAX_PAYLOAD_BYTES) {
        return Promise.reject(
          // The job's size, not SQS's health: a 413 (a 503 was retried, as large, by the clients).
          new TransportError(
            `job ${job.id} is ${bytes} bytes; SQS takes at most ${MAX_PAYLOAD_BYTES}`,
            false,
            {
              status: 413,
              code: 'payload-too-large',
            },
          ),
        );
      }
      const entry: SendMessageBatchRequestEntry = { Id: '', MessageBody: body };
      if (isFifoUrl(url)) {
        // FIFO queues refuse per-message delays; a delayed job cannot keep its order there. The
        // request's delay, not SQS's health: a 422 (a 503 was retried, as delayed, by the clients).
        if (po.delayMs && po.delayMs > 0) {
          return Promise.reject(
            new TransportError(`FIFO queue ${queue} cannot delay a message (delayMs ${po.delayMs})`, false, {
              status: 422,
              code: 'unprocessable',
            }),
          );
        }
        entry.MessageGroupId = opts.messageGroupId?.(job) ?? job.queue;
        entry.MessageDeduplicationId = job.id;
      } else if (po.delayMs && po.delayMs > 0) {
        // SQS delays 15 min at most; consumers keep a longer one hidden until notBefore.
        entry.DelaySeconds = toSeconds(po.delayMs, MAX_DELAY_S);
      }
      const result = new Promise<void>((resolve, reject) => {
        let buf = buffers.get(url) ?? [];
        const size = buf.reduce((n, p) => n + p.bytes, 0);
        if (buf.length >= MAX_BATCH_ENTRIES || size + bytes > MAX_PAYLOAD_BYTES) {
          flush(url);
          buf = [];
        }
        buf.push({ entry, bytes, resolve, reject });
        buffers.set(url, buf);
        if (buf.length >= MAX_BATCH_ENTRIES) flush(url);
        else schedule();
      });
      return po.timeoutMs ? withTimeout(result, po.timeoutMs, queue) : result;
    },
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const url of [...buffers.keys()]) flush(url);
      await Promise.allSettled([...inFlight]);
    },
  };
}

function withTimeout(p: Promise<void>, ms: number, queue: string): Promise<void> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(
      () => reject(new TransportError(`SQS did not accept a publish to ${queue} in ${ms} ms`, true)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
