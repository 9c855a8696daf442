import { type QueueAttributeName, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  type ConsumeOptions,
  type Consumer,
  type DeliveryHandler,
  HOLD_UNDER_MS,
  holdUntil,
  msUntil,
  parseEnvelope,
  type Subscription,
  type TransportError,
} from '@warren/core';
import { sqsCall } from './errors';
import { isFifoUrl } from './limits';
import { QueueDirectory } from './queue-directory';
import { type QueueUrlOptions, queueUrlResolver } from './queue-urls';
import { createSqsDelivery, deadLetterMessage, type SqsContext } from './sqs-delivery';
import { HANDED_BACK, type ReceivedMessage } from './sqs-ops';
import { type Heartbeat, keepHidden } from './visibility-heartbeat';

export interface SqsConsumerOptions extends QueueUrlOptions {
  client: SQSClient;
  /** Long-poll wait per ReceiveMessage (1..20 s, default 20). */
  waitTimeS?: number;
  /** Visibility timeout set on receive (default: the queue's). */
  visibilityTimeoutS?: number;
  onError?: (err: unknown) => void;
  onDrop?: SqsContext['onDrop'];
}

/**
 * Long-polling consumer for running Lambda-bound queues locally (or on a plain host): keeps at
 * most `prefetch` messages in flight per queue. Settling: ack = DeleteMessage, retry =
 * ChangeMessageVisibility(delay), deadLetter = copy to the redrive DLQ with the reason + delete,
 * release = visibility 0. A job whose `notBefore` is ahead is hidden again until then, unrun.
 * While a handler runs, the message's visibility is extended every half timeout (keepHidden).
 * On a FIFO queue a message group's messages run one at a time, in order (see inOrder).
 */
export function createSqsConsumer(opts: SqsConsumerOptions): Consumer {
  const urlFor = queueUrlResolver(opts);
  const ctx: SqsContext = {
    client: opts.client,
    directory: new QueueDirectory(opts.client),
    onDrop: opts.onDrop,
  };
  const loops = new Set<{ stop(): Promise<void> }>();

  function startLoop(queueUrl: string, handler: DeliveryHandler, prefetch: number, visibilityS: number) {
    const abort = new AbortController();
    const fifo = isFifoUrl(queueUrl);
    let inFlight = 0;
    let wake: (() => void) | undefined;
    /** Runs one message; true when it left the queue (acked, dead-lettered, or sent again as a copy). */
    const handle = async (m: ReceivedMessage): Promise<boolean> => {
      const parsed = parseEnvelope(m.body);
      let heartbeat: Heartbeat | undefined;
      try {
        if (!parsed.ok) {
          await deadLetterMessage(ctx, m, parsed.reason, 'poll');
          return true;
        }
        // Best effort: without the redrive policy the job keeps its own maxAttempts.
        const redrive = await ctx.directory.redrive(m.queueUrl).catch(() => undefined);
        const d = createSqsDelivery(ctx, m, parsed.job, 'poll', {
          maxReceiveCount: redrive?.maxReceiveCount,
          beforeSettle: () => heartbeat?.stop() ?? Promise.resolve(),
        });
        const wait = msUntil(parsed.job.notBefore);
        if (wait >= HOLD_UNDER_MS) {
          // Delayed past SQS's 15 min DelaySeconds: hide it again until due, unrun.
          await d.defer(wait);
          return !d.keep;
        }
        if (wait > 0) await holdUntil(Date.now() + wait); // nearly due: a copy would be a second late
        heartbeat = keepHidden(opts.client, m, visibilityS, opts.onError);
        await handler(d).catch(async (err) => {
          opts.onError?.(err);
          if (!d.settlement) await d.release();
        });
        return d.settlement !== undefined && !d.keep;
      } catch (err) {
        opts.onError?.(err);
        return false;
      } finally {
        await heartbeat?.stop(); // a handler may resolve without settling
        inFlight--;
        wake?.();
      }
    };
    /**
     * FIFO: SQS hands out several messages of one group at once, in order; they run in that order,
     * one at a time (the others wait hidden). One not done (retried, given back) holds back the
     * rest, unrun and left hidden until their visibility timeout, as the Lambda handler reports
     * them: SQS hands none of the group out while any is in flight, so the one not done comes
     * back first, the rest after it.
     */
    const inOrder = async (group: ReceivedMessage[]) => {
      const waiting = group.map((m) => keepHidden(opts.client, m, visibilityS, opts.onError));
      let blocked = false;
      for (const [i, m] of group.entries()) {
        await waiting[i]!.stop();
        if (!blocked) {
          blocked = !(await handle(m));
          continue;
        }
        inFlight--;
        wake?.();
      }
    };
    const done = (async () => {
      while (!abort.signal.aborted) {
        if (inFlight >= prefetch) {
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
          continue;
        }
        try {
          const receivedAt = Date.now(); // when the ReceiveMessage went out
          const out = await opts.client.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: Math.min(10, prefetch - inFlight),
              WaitTimeSeconds: opts.waitTimeS ?? 20,
              VisibilityTimeout: opts.visibilityTimeoutS,
              // local-aws-sqs honours only the deprecated AttributeNames; AWS takes both.
              AttributeNames: [
                'ApproximateReceiveCount',
                'MessageGroupId',
                'SentTimestamp',
              ] as unknown as QueueAttributeName[],
              MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId', 'SentTimestamp'],
              MessageAttributeNames: [HANDED_BACK],
            }),
            { abortSignal: abort.signal },
          );
          const groups = new Map<string, ReceivedMessage[]>();
          for (const msg of out.Messages ?? []) {
            inFlight++;
            const m: ReceivedMessage = {
              queueUrl,
              messageId: msg.MessageId!,
              receiptHandle: msg.ReceiptHandle!,
              body: msg.Body ?? '',
              receiveCount: Number(msg.Attributes?.ApproximateReceiveCount) || 1,
              handedBack: msg.MessageAttributes?.[HANDED_BACK] !== undefined,
              groupId: msg.Attributes?.MessageGroupId,
              sentAt: Number(msg.Attributes?.SentTimestamp) || undefined,
              receivedAt,
            };
            if (!fifo) {
              void handle(m);
              continue;
            }
            const group = msg.Attributes?.MessageGroupId ?? '';
            groups.set(group, [...(groups.get(group) ?? []), m]);
          }
          for (const group of groups.values()) void inOrder(group);
        } catch (err) {
          if (abort.signal.aborted) break;
          opts.onError?.(err);
          await pause(1000, abort.signal); // a close must not sit the pause out
        }
      }
    })();
    const loop = {
      async stop() {
        abort.abort();
        wake?.();
        await done;
        loops.delete(loop);
      },
    };
    loops.add(loop);
    return loop;
  }

  return {
    async consume(queue: string, handler: DeliveryHandler, co: ConsumeOptions = {}): Promise<Subscription> {
      const url = await sqsCall('resolve queue', async () => urlFor(queue));
      // Read even when the timeout is given: a queue that does not exist (or is forbidden) fails
      // here, not in a receive loop that would report it every second for good.
      const queueS = await ctx.directory.visibilityTimeoutS(url).catch((err: TransportError) => {
        if (!err.recoverable) throw err;
        return 30;
      });
      // The heartbeat extends by the timeout messages were received with (SQS's default: 30 s).
      const visibilityS = opts.visibilityTimeoutS ?? queueS;
      const loop = startLoop(url, handler, co.prefetch ?? 10, visibilityS);
      return { close: () => loop.stop() };
    },
    async close(): Promise<void> {
      await Promise.all([...loops].map((l) => l.stop()));
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
