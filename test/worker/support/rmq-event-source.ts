import type { RmqEvent, RmqHeaderValue, RmqMessage } from '@warren/worker';
import type { Channel, GetMessage } from 'amqplib';

/** How Lambda renders an AMQP header value: strings and byte arrays as `{bytes: [...]}`. */
function toLambdaHeader(v: unknown): RmqHeaderValue {
  if (typeof v === 'string') return { bytes: [...Buffer.from(v)] };
  if (Buffer.isBuffer(v)) return { bytes: [...v] };
  if (Array.isArray(v)) return v.map(toLambdaHeader);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toLambdaHeader(x)]));
  }
  return (v ?? null) as RmqHeaderValue;
}

/** "Nov 26, 2026, 10:41:03 AM" in UTC, the way Lambda formats `timestamp`. */
export function lambdaTimestamp(epochS: number): string {
  return new Date(epochS * 1000).toLocaleString('en-US', {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    hour12: true,
  });
}

export function toRmqMessage(m: GetMessage): RmqMessage {
  const p = m.properties;
  return {
    basicProperties: {
      contentType: p.contentType ?? null,
      contentEncoding: p.contentEncoding ?? null,
      headers: Object.fromEntries(Object.entries(p.headers ?? {}).map(([k, v]) => [k, toLambdaHeader(v)])),
      deliveryMode: p.deliveryMode ?? null,
      priority: p.priority ?? null,
      correlationId: p.correlationId ?? null,
      replyTo: p.replyTo ?? null,
      expiration: p.expiration ?? null,
      messageId: p.messageId ?? null,
      timestamp: typeof p.timestamp === 'number' ? lambdaTimestamp(p.timestamp) : null,
      type: p.type ?? null,
      userId: p.userId ?? null,
      appId: p.appId ?? null,
      clusterId: p.clusterId ?? null,
      bodySize: m.content.length,
    },
    redelivered: m.fields.redelivered,
    data: m.content.toString('base64'),
  };
}

/**
 * What Lambda's Amazon MQ event source mapping does, against a real RabbitMQ: take up to `max`
 * messages off `queue` (basic.get) and shape them as an `aws:rmq` event. (The real mapping cannot
 * run here: AWS is not reachable.)
 */
export async function takeAsRmqEvent(ch: Channel, queue: string, max = 100): Promise<RmqEvent | undefined> {
  const messages: RmqMessage[] = [];
  while (messages.length < max) {
    const m = await ch.get(queue, { noAck: true });
    if (!m) break;
    messages.push(toRmqMessage(m));
  }
  if (!messages.length) return undefined;
  return {
    eventSource: 'aws:rmq',
    eventSourceArn: 'arn:aws:mq:us-east-1:123456789012:broker:warren:b-00000000-0000-0000-0000-000000000000',
    rmqMessagesByQueue: { [`${queue}::/`]: messages },
  };
}
