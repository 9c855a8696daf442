import type { MessageProperties } from 'amqplib';
import { defs } from './amqplib-internals';

/** Property flags (AMQP 0-9-1 basic properties), in wire order. */
export const FLAG = {
  contentType: 0x8000,
  contentEncoding: 0x4000,
  headers: 0x2000,
  deliveryMode: 0x1000,
  priority: 0x0800,
  correlationId: 0x0400,
  replyTo: 0x0200,
  expiration: 0x0100,
  messageId: 0x0080,
  timestamp: 0x0040,
  type: 0x0020,
  userId: 0x0010,
  appId: 0x0008,
  clusterId: 0x0004,
} as const;

/**
 * A delivery's basic properties as the bytes the source sent them (flags, then fields), decoded by
 * amqplib's own decoder only when a property is read. The forwarder's fast path copies the bytes
 * to the destination (see props-splice.ts) and never decodes them; anything else reads them as
 * usual through the getters.
 */
export class RawProperties implements MessageProperties {
  private cache?: Partial<MessageProperties>;
  constructor(readonly bytes: Buffer) {}

  get decoded(): Partial<MessageProperties> {
    this.cache ??= defs.decode(defs.BasicProperties, this.bytes);
    return this.cache;
  }

  get contentType() {
    return this.decoded.contentType;
  }
  get contentEncoding() {
    return this.decoded.contentEncoding;
  }
  get headers() {
    return this.decoded.headers;
  }
  get deliveryMode() {
    return this.decoded.deliveryMode;
  }
  get priority() {
    return this.decoded.priority;
  }
  get correlationId() {
    return this.decoded.correlationId;
  }
  get replyTo() {
    return this.decoded.replyTo;
  }
  get expiration() {
    return this.decoded.expiration;
  }
  get messageId() {
    return this.decoded.messageId;
  }
  get timestamp() {
    return this.decoded.timestamp;
  }
  get type() {
    return this.decoded.type;
  }
  get userId() {
    return this.decoded.userId;
  }
  get appId() {
    return this.decoded.appId;
  }
  get clusterId() {
    return this.decoded.clusterId;
  }
}

/** Wire properties of an item that may carry them as bytes (sinks that cannot write bytes). */
export function optionsOf(item: { options?: object; rawProps?: Buffer }): Partial<MessageProperties> {
  if (item.options) return item.options as Partial<MessageProperties>;
  return item.rawProps ? defs.decode(defs.BasicProperties, item.rawProps) : {};
}
