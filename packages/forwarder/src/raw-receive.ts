import type { ChannelModel } from 'amqplib';
import { frames, type ParsedFrame } from './amqplib-internals';
import { FRAME_HEADER } from './header-frame';
import { RawProperties } from './raw-properties';

interface ConnectionInternals {
  rest: Buffer;
  maxFrameSize: number;
  recvSinceLastCheck: boolean;
  stream: { read(): Buffer | null };
  recvFrame(): unknown;
}

/**
 * Replaces amqplib's frame reader on one connection, for the forwarder's source:
 * - content headers on the given channel keep their property bytes (RawProperties), decoded only if read:
 *   the forwarder copies them to the destination as they are;
 * - a frame split across two socket reads is assembled by copying that frame only; amqplib
 *   concatenates the partial frame with the whole next chunk (a copy and an allocation of up to
 *   64 KiB per read while deliveries stream in).
 * Every other frame goes through amqplib's own decoder, so its channel machinery is unchanged.
 * Returns false, changing nothing, when amqplib's internals are not what this was written against.
 */
export function keepRawProperties(model: ChannelModel, onChannel: object): boolean {
  const conn = (model as unknown as { connection?: Partial<ConnectionInternals> }).connection;
  const channel = (onChannel as { ch?: unknown }).ch;
  if (
    typeof channel !== 'number' ||
    !conn ||
    typeof conn.recvFrame !== 'function' ||
    !Buffer.isBuffer(conn.rest) ||
    typeof conn.stream?.read !== 'function' ||
    typeof frames.parseFrame !== 'function' ||
    typeof frames.decodeFrame !== 'function'
  ) {
    return false;
  }
  const decode = (f: ParsedFrame): unknown => {
    if (f.type !== FRAME_HEADER || f.channel !== channel) return frames.decodeFrame(f);
    const p = f.payload;
    return {
      id: p.readUInt16BE(0),
      channel,
      size: p.readUInt32BE(4) * 0x100000000 + p.readUInt32BE(8),
      fields: new RawProperties(p.subarray(12)),
    };
  };
  const c = conn as ConnectionInternals;
  c.recvFrame = () => {
    for (;;) {
      const f = frames.parseFrame(c.rest, c.maxFrameSize);
      if (f) {
        c.rest = f.rest;
        return decode(f);
      }
      const incoming = c.stream.read();
      if (incoming === null) return false;
      c.recvSinceLastCheck = true;
      const rest = c.rest;
      if (rest.length === 0) {
        c.rest = incoming;
        continue;
      }
      // Bytes the partial frame still lacks (7-byte frame header: type, channel, size; 1 end octet).
      const need = rest.length >= 7 ? 8 + rest.readUInt32BE(3) - rest.length : -1;
      if (need > 0 && incoming.length > need) {
        const whole = frames.parseFrame(Buffer.concat([rest, incoming.subarray(0, need)]), c.maxFrameSize);
        if (whole) {
          c.rest = incoming.subarray(need);
          return decode(whole);
        }
      }
      c.rest = Buffer.concat([rest, incoming]);
    }
  };
  return true;
}
