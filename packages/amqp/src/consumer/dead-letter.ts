import type { MessagePropertyHeaders, Options } from 'amqplib';
import { DUE_HEADER } from '../topology/delay-tiers';
import { dlqName } from '../topology/queue-arguments';
import { writableHeader } from './writable-header';

export const REASON_HEADER = 'x-warren-reason';
export const QUEUE_HEADER = 'x-warren-queue';
export const DEAD_AT_HEADER = 'x-warren-dead-at';

/** Headers the broker adds while a message travels (dead-letter history); never carried forward. */
const BROKER_HEADERS = [
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-delivery-count',
];

/**
 * What republishing reads of a received message: an amqplib delivery, or a message decoded from
 * a Lambda `aws:rmq` event (same property names).
 */
export interface ReceivedProperties {
  properties: {
    headers?: Record<string, unknown>;
    contentType?: string;
    contentEncoding?: string;
    correlationId?: string;
    replyTo?: string;
    messageId?: string;
    timestamp?: number;
    type?: string;
    appId?: string;
    priority?: number;
  };
}

/** The received message's properties, minus broker bookkeeping, ready to publish again. */
export function republishProperties(
  msg: ReceivedProperties,
  extraHeaders: Record<string, unknown> = {},
): Options.Publish {
  const p = msg.properties;
  const headers: MessagePropertyHeaders = {};
  for (const [k, v] of Object.entries(p.headers ?? {}))
    if (!BROKER_HEADERS.includes(k)) headers[k] = writableHeader(v);
  Object.assign(headers, extraHeaders);
  const out: Options.Publish = { headers };
  if (p.contentType) out.contentType = p.contentType;
  if (p.contentEncoding) out.contentEncoding = p.contentEncoding;
  if (p.correlationId) out.correlationId = p.correlationId;
  if (p.replyTo) out.replyTo = p.replyTo;
  if (p.messageId) out.messageId = p.messageId;
  if (p.timestamp) out.timestamp = p.timestamp;
  if (p.type) out.type = p.type;
  if (p.appId) out.appId = p.appId;
  if (p.priority !== undefined) out.priority = p.priority;
  return out;
}

/** Properties for the `<queue>.dlq` copy: the reason (and the last error, in its text) in headers. */
export function deadLetterProperties(
  msg: ReceivedProperties,
  queue: string,
  reason: string,
): Options.Publish {
  const props = republishProperties(msg, {
    [REASON_HEADER]: reason.slice(0, 4000),
    [QUEUE_HEADER]: queue,
    [DEAD_AT_HEADER]: Date.now(),
  });
  delete props.headers![DUE_HEADER];
  return props;
}

/** When the message is due (epoch ms): the tier header, or the envelope's `notBefore`. */
export function dueAt(msg: ReceivedProperties, notBefore: string | undefined): number {
  const header = Number(msg.properties.headers?.[DUE_HEADER] ?? 0) || 0;
  const env = notBefore ? Date.parse(notBefore) || 0 : 0;
  return Math.max(header, env);
}

/** A publish the broker returned: no queue is bound to its routing key. */
export const isUnroutable = (err: unknown) => /unroutable/i.test((err as Error | undefined)?.message ?? '');

type Send = (
  queue: string,
  content: Buffer,
  props: Options.Publish,
  opts: { declare: false },
) => Promise<void>;

/**
 * Publishes the dead-letter copy of a message of `queue` to `<queue>.dlq`, confirmed. A DLQ found
 * missing (deleted by hand after it was declared) is declared again with its queue, once.
 */
export async function sendDeadLetterCopy(
  send: Send,
  redeclare: () => Promise<void>,
  queue: string,
  content: Buffer,
  props: Options.Publish,
): Promise<void> {
  const copy = () => send(dlqName(queue), content, props, { declare: false });
  try {
    await copy();
  } catch (err) {
    if (!isUnroutable(err)) throw err;
    await redeclare();
    await copy();
  }
}
