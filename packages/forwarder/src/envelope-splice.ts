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
export function scanTopLevel(b: Buffer, want: ReadonlySet<string>): TopLevel | undefined {
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
    const key = b.toString('latin1', i + 1, keyEnd - 1);
    i = keyEnd;
    while (i < b.length && isWs(b[i]!)) i++;
    if (b[i] !== 0x3a) return undefined;
    i++;
    while (i < b.length && isWs(b[i]!)) i++;
    const end = skipValue(b, i);
    if (end < 0) return undefined;
    if (want.has(key)) fields.set(key, [i, end]);
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
  /** The body with `hop` appended to `hops` (inserted when the field is missing). */
  withHop(hop: string): Buffer;
}

const WANT = new Set(['v', 'id', 'hops', 'expiresAt']);

/** A warren envelope (`v: 1`, string `id`, optional array `hops`) or undefined for any other body. */
export function viewEnvelope(b: Buffer): EnvelopeView | undefined {
  const top = scanTopLevel(b, WANT);
  if (!top) return undefined;
  const v = top.fields.get('v');
  const id = top.fields.get('id');
  if (!v || !id || b.toString('latin1', v[0], v[1]) !== '1' || b[id[0]] !== QUOTE) return undefined;
  const hopsAt = top.fields.get('hops');
  let hops: string[] = [];
  let expiresAt: string | undefined;
  try {
    if (hopsAt) {
      const parsed: unknown = JSON.parse(b.toString('utf8', hopsAt[0], hopsAt[1]));
      if (!Array.isArray(parsed)) return undefined;
      hops = parsed.map(String);
    }
    const exp = top.fields.get('expiresAt');
    if (exp && b[exp[0]] === QUOTE) expiresAt = JSON.parse(b.toString('utf8', exp[0], exp[1])) as string;
    const idValue = JSON.parse(b.toString('utf8', id[0], id[1])) as string;
    return {
      id: idValue,
      hops,
      expiresAt,
      withHop: (hop) => {
        const next = Buffer.from(JSON.stringify([...hops, hop]));
        if (hopsAt) return Buffer.concat([b.subarray(0, hopsAt[0]), next, b.subarray(hopsAt[1])]);
        return Buffer.concat([
          b.subarray(0, top.close),
          Buffer.from(`,"hops":`),
          next,
          b.subarray(top.close),
        ]);
      },
    };
  } catch {
    return undefined;
  }
}
