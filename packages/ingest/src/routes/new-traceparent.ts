const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** 24 random bytes a traceparent (16 for the trace id, 8 for the parent id), 256 of them per refill. */
const SIZE = 24;
const pool = new Uint8Array(SIZE * 256);
let at = pool.length;

const hex = (from: number, to: number) => {
  let s = '';
  for (let i = from; i < to; i++) s += HEX[pool[i]!];
  return s;
};

/**
 * A fresh root `traceparent` (sampled) for a request that brought none, or none valid: the
 * ingest starts the trace, as an OpenTelemetry server does (W3C trace-context 4.3), so the job's
 * worker lines carry a trace id that ties them to the request. On every such enqueue, so cheap:
 * one getRandomValues call (~2 µs through Node's WebCrypto) fills 256 of them, and each
 * costs ~0.2 µs of hex (an Array.from/join per id took ~7 µs).
 */
export function newTraceparent(): string {
  if (at === pool.length) {
    crypto.getRandomValues(pool);
    at = 0;
  }
  const s = at;
  at += SIZE;
  // All-zero ids are invalid; with 2^-64 odds per id, one more draw rather than a check per byte.
  const traceId = hex(s, s + 16);
  const parentId = hex(s + 16, s + SIZE);
  if (traceId === ZERO32 || parentId === ZERO16) return newTraceparent();
  return `00-${traceId}-${parentId}-01`;
}

const ZERO32 = '0'.repeat(32);
const ZERO16 = '0'.repeat(16);
