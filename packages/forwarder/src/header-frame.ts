import type { Options } from 'amqplib';

/**
 * AMQP content-header frame (basic properties) written in place into a caller's buffer.
 *
 * Why: amqplib's encoder allocates a zeroed buffer per message, measures every string twice,
 * encodes headers into a scratch buffer and copies them, and goes through BigInt for 64-bit
 * fields: ~4.7 µs per forwarded message on this machine, ~1 µs here. Output is byte-identical to
 * amqplib's (tested). Only the shapes the forwarder sees in practice are handled here: string
 * properties, numeric deliveryMode/priority/timestamp, header values that are strings or arrays
 * of strings. For anything else `frameBound` says -1 and the caller uses amqplib's encoder.
 */

const SHORTSTR = [
  ['contentType', 0x8000],
  ['contentEncoding', 0x4000],
] as const;
const SHORTSTR_AFTER_PRIORITY = [
  ['correlationId', 0x0400],
  ['replyTo', 0x0200],
  ['expiration', 0x0100],
  ['messageId', 0x0080],
] as const;
const SHORTSTR_AFTER_TIMESTAMP = [
  ['type', 0x0020],
  ['userId', 0x0010],
  ['appId', 0x0008],
  ['clusterId', 0x0004],
] as const;
const ALL_SHORTSTR = [...SHORTSTR, ...SHORTSTR_AFTER_PRIORITY, ...SHORTSTR_AFTER_TIMESTAMP];

type Props = Options.Publish & { userId?: string; clusterId?: string };

const isOctet = (v: unknown) =>
  v == null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < 256);

/** Upper bound of the frame's size in bytes, or -1 if these properties need amqplib's encoder. */
export function frameBound(o: Props): number {
  let n = 22;
  for (const [k] of ALL_SHORTSTR) {
    const v = o[k];
    if (v == null) continue;
    if (typeof v !== 'string' || (v.length > 85 && Buffer.byteLength(v) > 255)) return -1;
    n += 1 + v.length * 3;
  }
  if (!isOctet(o.deliveryMode) || !isOctet(o.priority)) return -1;
  // One octet each when present (a property test found the bound one short without them).
  if (o.deliveryMode != null) n += 1;
  if (o.priority != null) n += 1;
  if (o.timestamp != null) {
    if (!Number.isSafeInteger(o.timestamp) || o.timestamp < 0) return -1;
    n += 8;
  }
  const h = o.headers;
  if (h != null) {
    if (typeof h !== 'object') return -1;
    n += 4;
    for (const key in h) {
      const v = h[key];
      if (v === undefined) continue;
      if (key.length > 85 && Buffer.byteLength(key) > 255) return -1;
      n += 1 + key.length * 3 + 5;
      if (typeof v === 'string') n += v.length * 3;
      else if (Array.isArray(v)) {
        for (const e of v) {
          if (typeof e !== 'string') return -1;
          n += 5 + e.length * 3;
        }
      } else return -1;
    }
  }
  return n;
}

function shortstr(b: Buffer, at: number, s: string): number {
  const len = b.write(s, at + 1, 'utf8');
  b[at] = len;
  return at + 1 + len;
}

function longstr(b: Buffer, at: number, s: string): number {
  b[at] = 0x53; // 'S'
  const len = b.write(s, at + 5, 'utf8');
  b.writeUInt32BE(len, at + 1);
  return at + 5 + len;
}

export const FRAME_HEADER = 2;

/** Frame type, channel, class and body size; the frame's size (at + 3) is the caller's. */
function startFrame(b: Buffer, at: number, channel: number, bodySize: number): void {
  b[at] = FRAME_HEADER;
  b.writeUInt16BE(channel, at + 1);
  b.writeUInt32BE(0x003c0000, at + 7); // class 60 (basic), weight 0
  b.writeUInt32BE(Math.floor(bodySize / 0x100000000), at + 11);
  b.writeUInt32BE(bodySize >>> 0, at + 15);
}

/** The frame around property bytes given as they go on the wire (flags, then fields). */
export function writeRawHeaderFrame(
  b: Buffer,
  at: number,
  channel: number,
  bodySize: number,
  props: Buffer,
): number {
  startFrame(b, at, channel, bodySize);
  b.writeUInt32BE(props.length + 12, at + 3);
  const end = at + 19 + props.copy(b, at + 19);
  b[end] = 0xce;
  return end + 1;
}

/** Writes the frame at `at` (room checked by the caller with `frameBound`); returns the end offset. */
export function writeHeaderFrame(b: Buffer, at: number, channel: number, bodySize: number, o: Props): number {
  startFrame(b, at, channel, bodySize);
  let flags = 0;
  let p = at + 21;
  for (const [k, bit] of SHORTSTR) {
    const v = o[k];
    if (v != null) {
      flags |= bit;
      p = shortstr(b, p, v);
    }
  }
  const h = o.headers;
  if (h != null) {
    flags |= 0x2000;
    const start = p;
    p += 4;
    for (const key in h) {
      const v = h[key] as string | string[] | undefined;
      if (v === undefined) continue;
      p = shortstr(b, p, key);
      if (typeof v === 'string') p = longstr(b, p, v);
      else {
        b[p] = 0x41; // 'A'
        const arr = p + 1;
        p += 5;
        for (const e of v) p = longstr(b, p, e);
        b.writeUInt32BE(p - arr - 4, arr);
      }
    }
    b.writeUInt32BE(p - start - 4, start);
  }
  if (o.deliveryMode != null) {
    flags |= 0x1000;
    b[p++] = o.deliveryMode as number;
  }
  if (o.priority != null) {
    flags |= 0x0800;
    b[p++] = o.priority;
  }
  for (const [k, bit] of SHORTSTR_AFTER_PRIORITY) {
    const v = o[k];
    if (v != null) {
      flags |= bit;
      p = shortstr(b, p, String(v));
    }
  }
  if (o.timestamp != null) {
    flags |= 0x0040;
    b.writeUInt32BE(Math.floor(o.timestamp / 0x100000000), p);
    b.writeUInt32BE(o.timestamp >>> 0, p + 4);
    p += 8;
  }
  for (const [k, bit] of SHORTSTR_AFTER_TIMESTAMP) {
    const v = o[k];
    if (v != null) {
      flags |= bit;
      p = shortstr(b, p, v);
    }
  }
  b.writeUInt16BE(flags, at + 19);
  b.writeUInt32BE(p - at - 7, at + 3);
  b[p] = 0xce;
  return p + 1;
}
