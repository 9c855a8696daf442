/**
 * The `aws:rmq` event Lambda's Amazon MQ (RabbitMQ) event source mapping sends. @types/aws-lambda
 * has no type for it; this follows AWS's documented example: messages grouped by `queue::vhost`,
 * base64 `data`, string header values as `{bytes: [...]}`, `timestamp` as formatted text.
 */
export type RmqHeaderValue =
  | { bytes: number[] }
  | string
  | number
  | boolean
  | null
  | RmqHeaderValue[]
  | { [key: string]: RmqHeaderValue };

export interface RmqBasicProperties {
  contentType?: string | null;
  contentEncoding?: string | null;
  headers?: Record<string, RmqHeaderValue> | null;
  deliveryMode?: number | null;
  priority?: number | null;
  correlationId?: string | null;
  replyTo?: string | null;
  expiration?: string | null;
  messageId?: string | null;
  /** e.g. "Jan 1, 1970, 12:33:41 AM" (UTC). */
  timestamp?: string | null;
  type?: string | null;
  userId?: string | null;
  appId?: string | null;
  clusterId?: string | null;
  bodySize?: number;
}

export interface RmqMessage {
  basicProperties: RmqBasicProperties;
  redelivered: boolean;
  /** Base64 of the message body. */
  data: string;
}

export interface RmqEvent {
  eventSource: 'aws:rmq';
  eventSourceArn: string;
  rmqMessagesByQueue: Record<string, RmqMessage[]>;
}

/** One message in the shape amqplib hands a consumer (so AMQP codecs can decode it unchanged). */
export interface DecodedRmqMessage {
  queue: string;
  vhost: string;
  content: Buffer;
  redelivered: boolean;
  properties: {
    contentType?: string;
    contentEncoding?: string;
    headers: Record<string, unknown>;
    deliveryMode?: number;
    priority?: number;
    correlationId?: string;
    replyTo?: string;
    expiration?: string;
    messageId?: string;
    /** Seconds since the epoch, as amqplib reports it. */
    timestamp?: number;
    type?: string;
    userId?: string;
    appId?: string;
  };
}

/** `orders::/` → queue `orders`, vhost `/` (split at the last `::`: queue names may hold colons). */
export function splitQueueKey(key: string): { queue: string; vhost: string } {
  const at = key.lastIndexOf('::');
  return at < 0 ? { queue: key, vhost: '/' } : { queue: key.slice(0, at), vhost: key.slice(at + 2) || '/' };
}

const utf8 = new TextDecoder();

/** `{bytes: [...]}` (how Lambda renders AMQP long strings) → the string amqplib would give. */
export function decodeHeaderValue(v: RmqHeaderValue): unknown {
  if (Array.isArray(v)) return v.map(decodeHeaderValue);
  if (v && typeof v === 'object') {
    if (Array.isArray((v as { bytes?: unknown }).bytes) && Object.keys(v).length === 1) {
      return utf8.decode(Uint8Array.from((v as { bytes: number[] }).bytes, (b) => b & 0xff));
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeHeaderValue(x as RmqHeaderValue)]));
  }
  return v;
}

/** "Jan 1, 1970, 12:33:41 AM" (UTC) → epoch seconds; undefined when unreadable. */
export function parseRmqTimestamp(s: string | null | undefined): number | undefined {
  if (!s) return undefined;
  s = s.replace(/[\u00a0\u202f]/g, ' '); // newer JDKs put a narrow no-break space before AM/PM
  const ms = Date.parse(/(UTC|GMT|Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s} UTC`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

const orUndef = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** Flattens an event into messages, in the order the event lists them. */
export function rmqMessages(event: RmqEvent): DecodedRmqMessage[] {
  const out: DecodedRmqMessage[] = [];
  for (const [key, messages] of Object.entries(event.rmqMessagesByQueue ?? {})) {
    const { queue, vhost } = splitQueueKey(key);
    for (const m of messages) {
      const p = m.basicProperties ?? {};
      out.push({
        queue,
        vhost,
        content: Buffer.from(m.data ?? '', 'base64'),
        redelivered: Boolean(m.redelivered),
        properties: {
          contentType: orUndef(p.contentType),
          contentEncoding: orUndef(p.contentEncoding),
          headers: Object.fromEntries(
            Object.entries(p.headers ?? {}).map(([k, v]) => [k, decodeHeaderValue(v)]),
          ),
          deliveryMode: orUndef(p.deliveryMode),
          priority: orUndef(p.priority),
          correlationId: orUndef(p.correlationId),
          replyTo: orUndef(p.replyTo),
          expiration: orUndef(p.expiration),
          messageId: orUndef(p.messageId),
          timestamp: parseRmqTimestamp(p.timestamp),
          type: orUndef(p.type),
          userId: orUndef(p.userId),
          appId: orUndef(p.appId),
        },
      });
    }
  }
  return out;
}
