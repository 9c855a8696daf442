import { createRequire } from 'node:module';
import type { MessageProperties } from 'amqplib';

/**
 * amqplib's own codecs, which the forwarder's fast paths reuse (publish-writer, raw-properties,
 * raw-receive). Loaded by a relative path inside the package: its `exports` hide lib/. Each user
 * checks the shape it needs and falls back to amqplib's public API when it differs.
 */
const lib = createRequire(createRequire(import.meta.url).resolve('amqplib'));

export interface ParsedFrame {
  type: number;
  channel: number;
  size: number;
  payload: Buffer;
  rest: Buffer;
}

export const defs = lib('./lib/defs.js') as {
  encodeMethod(id: number, channel: number, fields: object): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: object): Buffer;
  decode(id: number, buf: Buffer): Partial<MessageProperties>;
  BasicPublish: number;
  BasicProperties: number;
};

export const frames = lib('./lib/frame.js') as {
  parseFrame(bin: Buffer, max: number): ParsedFrame | false;
  decodeFrame(f: ParsedFrame): unknown;
};
