/**
 * Reads and rewrites a warren envelope's top-level fields without JSON.parse/stringify of the whole
 * body: one pass over the top-level object that records where each value starts and ends, skipping
 * nested values (strings are skipped with native indexOf). The forwarder's hot path touches only
 * `hops`, so the body keeps every other byte as it was, and a 1 KiB envelope costs a few µs, not
 * a full parse and re-serialisation.
 */
export interface TopLevel {
  /** Value ranges [start, end) by key, for the keys asked for. */
  fields: Map<string, [number, number]>;
  /** Offset of the closing `}`. */
  close: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** End (exclusive) of the string starting at `i` (a quote), or -1. */
function skipString(b: Buffer, i: number): number {
  // Keys and most values are short: a byte loop beats a native indexOf call for the first bytes.
  const stop = Math.min(b.length, i + 33);
  for (let k = i + 1; k < stop; k++) {
    const c = b[k];
    if (c === QUOTE) return k + 1;
    if (c === BACKSLASH) break;
  }
  let j = i + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, j);
    if (q < 0) return -1;
    let bs = 0;
    for (let k = q - 1; k > i && b[k] === BACKSLASH; k--) bs++;
    if (bs % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** End (exclusive) of the JSON value starting at `i`, or -1. */
function skipValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return skipString(b, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let j = i;
    while (j < b.length) {
      const x = b[j]!;
      if (x === QUOTE) {
        j = skipString(b, j);
        if (j < 0) return -1;
        continue;
      }
      if (x === 0x7b || x === 0x5b) depth++;
      else if (x === 0x7d || x === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return -1;
  }
  let j = i;
  while (j < b.length) {
    const x = b[j]!;
    if (x === 0x2c || x === 0x7d || x === 0x5d || isWs(x)) break;
    j++;
  }
  return j > i ? j : -1;
}

/** Scans a top-level JSON object; undefined if `b` is not one (then the body is passed on raw). */
export function scanTopLevel(b: Buffer, want: readonly string[]): TopLevel | undefined {
  let i = 0;
  while (i < b.length && isWs(b[i]!)) i++;
  if (b[i] !== 0x7b) return undefined;
  i++;
  const fields = new Map<string, [number, number]>();
  for (;;) {
    while (i < b.length && isWs(b[i]!)) i++;
    if (b[i] === 0x7d) break;
    if (b[i] !== QUOTE) return undefined;
    const keyEnd = skipString(b, i);
    if (keyEnd < 0) return undefined;
    // Compare key bytes in place: no string per key on the hot path.
    const len = keyEnd - i - 2;
    let key: string | undefined;
    for (let k = 0; k < want.length && key === undefined; k++) {
      const w = want[k]!;
      if (w.length !== len) continue;
      let same = true;
      for (let c = 0; c < len; c++) {
        if (b[i + 1 + c] !== w.charCodeAt(c)) {
          same = false;
          break;
        }
      }
      if (same) key = w;
    }
    i = keyEnd;
    while (i < b.length && isWs(b[i]!)) i++;
    if (b[i] !== 0x3a) return undefined;
    i++;
    while (i < b.length && isWs(b[i]!)) i++;
    const end = skipValue(b, i);
    if (end < 0) return undefined;
    if (key) fields.set(key, [i, end]);
    i = end;
    while (i < b.length && isWs(b[i]!)) i++;
    if (b[i] === 0x2c) {
      i++;
      continue;
    }
    if (b[i] === 0x7d) break;
    return undefined;
  }
  for (let j = i + 1; j < b.length; j++) if (!isWs(b[j]!)) return undefined;
  return { fields, close: i };
}

export interface EnvelopeView {
  id: string;
  hops: string[];
  expiresAt?: string;
  /** Where the `hops` value sits in the body, if present; else where to insert it (the closing brace). */
  hopsAt?: [number, number];
  close: number;
}

const WANT = ['v', 'id', 'hops', 'expiresAt'];

/** A JSON string value: sliced directly when it has no escapes (the usual case), else JSON.parse. */
function readString(b: Buffer, [s, e]: [number, number]): string {
  const bs = b.indexOf(BACKSLASH, s);
  if (bs === -1 || bs >= e) return b.toString('utf8', s + 1, e - 1);
  return JSON.parse(b.toString('utf8', s, e)) as string;
}

/** A warren envelope (`v: 1`, string `id`, optional array `hops`) or undefined for any other body. */
export function viewEnvelope(b: Buffer): EnvelopeView | undefined {
  const top = scanTopLevel(b, WANT);
  if (!top) return undefined;
  const v = top.fields.get('v');
  const id = top.fields.get('id');
  if (!v || !id || v[1] - v[0] !== 1 || b[v[0]] !== 0x31 || b[id[0]] !== QUOTE) return undefined;
  const hopsAt = top.fields.get('hops');
  const exp = top.fields.get('expiresAt');
  try {
    let hops: string[] = [];
    if (hopsAt && !(hopsAt[1] - hopsAt[0] === 2 && b[hopsAt[0]] === 0x5b)) {
      const parsed: unknown = JSON.parse(b.toString('utf8', hopsAt[0], hopsAt[1]));
      if (!Array.isArray(parsed)) return undefined;
      hops = parsed.map(String);
    }
    return {
      id: readString(b, id),
      hops,
      expiresAt: exp && b[exp[0]] === QUOTE ? readString(b, exp) : undefined,
      hopsAt,
      close: top.close,
    };
  } catch {
    return undefined;
  }
}

/** `["<hop>"]` per hop name: the first hop's new `hops` value, built once (hop names are few). */
const firstHops = new Map<string, Buffer>();

/** The body with `hop` appended to `hops` (inserted before the closing brace when missing). */
export function withHop(b: Buffer, view: EnvelopeView, hop: string): Buffer {
  let next = view.hops.length === 0 ? firstHops.get(hop) : undefined;
  if (!next) {
    next = Buffer.from(JSON.stringify([...view.hops, hop]));
    if (view.hops.length === 0 && firstHops.size < 256) firstHops.set(hop, next);
  }
  if (view.hopsAt) return Buffer.concat([b.subarray(0, view.hopsAt[0]), next, b.subarray(view.hopsAt[1])]);
  return Buffer.concat([b.subarray(0, view.close), HOPS_KEY, next, b.subarray(view.close)]);
}

const HOPS_KEY = Buffer.from(',"hops":');
