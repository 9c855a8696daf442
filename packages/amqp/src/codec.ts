import type { JobEnvelope } from '@warren/core';
import type { MessageProperties, Options } from 'amqplib';

/** What goes on the wire for one job: body bytes plus AMQP basic properties. */
export interface EncodedMessage {
  content: Buffer;
  properties: Options.Publish;
}

/** A received message as the codec sees it (body and basic properties, headers included). */
export interface IncomingMessage {
  content: Buffer;
  properties: MessageProperties;
}

export type DecodeResult = { ok: true; job: JobEnvelope; attempt?: number } | { ok: false; reason: string };

/**
 * Turns jobs into messages and back, per queue (`protocol: warren | celery`). The adapter owns
 * persistence, mandatory and confirms; a codec only decides body and properties. `decode` never
 * throws: a message it cannot read is dead-lettered with `reason`.
 */
export interface MessageCodec {
  readonly name: string;
  encode(job: JobEnvelope): EncodedMessage;
  decode(message: IncomingMessage): DecodeResult;
}
