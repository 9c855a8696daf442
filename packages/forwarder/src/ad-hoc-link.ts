import { sameBroker } from './same-broker';
import type { LinkSpec } from './types';

export interface AdHocLinkOptions {
  /** Source cluster node URLs. */
  from: string[];
  queue: string;
  /** amqp(s):// node URLs of the destination cluster, or one SQS queue URL (https://...). */
  to: string[];
  toQueue?: string;
  toExchange?: string;
  prefetch?: number;
  /** Confirm channels on an AMQP destination (default 8; 1 keeps the source's order). */
  publishChannels?: number;
  name?: string;
  sqsEndpoint?: string;
  /** The source queue's type: a missing `<queue>.dlq` is declared with it (default quorum). */
  queueType?: 'quorum' | 'classic';
}

/** The link of `warren forward --from ... --queue ... --to ...`. */
export function adHocLink(o: AdHocLinkOptions): LinkSpec {
  if (o.from.length === 0 || !o.from.every((u) => /^amqps?:\/\//.test(u))) {
    throw new Error('--from needs amqp:// or amqps:// URLs');
  }
  if (o.to.length === 0) throw new Error('--to needs amqp URLs or an SQS queue URL');
  const sqs = o.to.length === 1 && /^https?:\/\//.test(o.to[0]!);
  if (!sqs && !o.to.every((u) => /^amqps?:\/\//.test(u))) {
    throw new Error('--to needs amqp:// URLs (one cluster) or a single SQS queue URL');
  }
  if (sqs && (o.toQueue || o.toExchange || o.publishChannels !== undefined))
    throw new Error('--to-queue/--to-exchange/--publish-channels apply to AMQP destinations only');
  // A queue forwarded into itself (same cluster, same queue): each message would go round once and
  // then be dead-lettered as a loop, none left for the workers. Refused before it starts.
  const sameNode = !sqs && !o.toExchange && o.to.some((u) => o.from.some((f) => sameBroker(f, u)));
  if (sameNode && (o.toQueue ?? o.queue) === o.queue)
    throw new Error(
      `--from and --to name the same queue (${o.queue}) on the same broker: nothing to forward`,
    );
  const channels = o.publishChannels === undefined ? {} : { channels: o.publishChannels };
  const target = o.toExchange ? `exchange:${o.toExchange}` : (o.toQueue ?? o.queue);
  return {
    name: o.name ?? `${o.queue}->${sqs ? 'sqs' : target}`,
    source: { urls: o.from, queue: o.queue, ...(o.queueType ? { type: o.queueType } : {}) },
    destination: sqs
      ? { kind: 'sqs', queueUrl: o.to[0]!, ...(o.sqsEndpoint ? { endpoint: o.sqsEndpoint } : {}) }
      : o.toExchange
        ? { kind: 'amqp', urls: o.to, exchange: o.toExchange, ...channels }
        : { kind: 'amqp', urls: o.to, queue: o.toQueue ?? o.queue, ...channels },
    ...(o.prefetch ? { prefetch: o.prefetch } : {}),
  };
}
