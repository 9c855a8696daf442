import { FLAG } from './raw-properties';

/**
 * The forwarder's hop on raw property bytes: the destination gets the source's bytes with one
 * entry appended to the `x-warren-forwarded` header, without decoding the properties into objects
 * and encoding them again (amqplib's decoder and our header-frame encoder were ~8% of the
 * forwarder's CPU per message). Byte-identical to that decode → prepareHop → encode path (tested).
 *
 * Only the plain case is spliced: no per-message TTL (it must be recomputed), no userId (it is
 * dropped: RabbitMQ refuses one that is not the destination's login), no clusterId, and no
 * forwarded entries yet (the loop check reads them). `spliceLayout` says undefined otherwise and
 * the caller takes the decoding path.
 */

export interface SpliceLayout {
  flags: number;
  /** Offset of the headers table's 4-byte length (or where the table goes when absent). */
  tableAt: number;
  /** Offset just past the headers table (== tableAt when absent). */
  afterTable: number;
  /** Content type bytes [start, end), if present. */
  contentType?: [number, number];
}

const REFUSE = FLAG.expiration | FLAG.userId | FLAG.clusterId;
/** `x-warren-forwarded` as a table key (shortstr): if these bytes occur in the table, decode instead. */
const FORWARDED_KEY = Buffer.from('\x12x-warren-forwarded', 'latin1');

export function spliceLayout(b: Buffer): SpliceLayout | undefined {
  if (b.length < 2) return undefined;
  const flags = b.readUInt16BE(0);
  if (flags & REFUSE || flags & 0x0003) return undefined; // 0x0003: continuation flags, never sent
  let p = 2;
  let contentType: [number, number] | undefined;
  if (flags & FLAG.contentType) {
    contentType = [p + 1, p + 1 + b[p]!];
    p = contentType[1];
  }
  if (flags & FLAG.contentEncoding) p += 1 + b[p]!;
  const tableAt = p;
  if (flags & FLAG.headers) {
    if (p + 4 > b.length) return undefined;
    const end = p + 4 + b.readUInt32BE(p);
    if (end > b.length) return undefined;
    const k = b.indexOf(FORWARDED_KEY, p + 4);
    if (k !== -1 && k < end) return undefined;
    p = end;
  }
  if (p > b.length) return undefined;
  return { flags, tableAt, afterTable: p, contentType };
}

/**
 * The property bytes with the forwarded entry appended to the headers table (created if absent):
 * `<key>A<len>S<len><entry>`, the header as an array of one long string, written in one buffer.
 */
export function spliceForwarded(b: Buffer, l: SpliceLayout, entry: string): Buffer {
  const n = Buffer.byteLength(entry);
  const add = FORWARDED_KEY.length + 10 + n;
  const had = (l.flags & FLAG.headers) !== 0;
  const out = Buffer.allocUnsafe(b.length + add + (had ? 0 : 4));
  out.writeUInt16BE(l.flags | FLAG.headers, 0);
  let p = 2 + b.copy(out, 2, 2, l.tableAt);
  out.writeUInt32BE((had ? b.readUInt32BE(l.tableAt) : 0) + add, p);
  p += 4;
  if (had) p += b.copy(out, p, l.tableAt + 4, l.afterTable);
  p += FORWARDED_KEY.copy(out, p);
  out[p++] = 0x41; // 'A'
  out.writeUInt32BE(5 + n, p);
  out[p + 4] = 0x53; // 'S'
  out.writeUInt32BE(n, p + 5);
  p += 9 + out.write(entry, p + 9, 'utf8');
  b.copy(out, p, l.afterTable);
  return out;
}
