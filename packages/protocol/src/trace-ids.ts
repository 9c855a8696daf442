const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/**
 * Random bytes for trace and span ids, refilled by one getRandomValues call (~2 µs through
 * Node's WebCrypto) per 6 KB: 256 traceparents of 24 bytes. Each id then costs only its hex.
 */
const pool = new Uint8Array(24 * 256);
let at = pool.length;

/** `bytes` fresh random bytes as lower-case hex, never all zero (an invalid W3C id). */
function randomHex(bytes: number): string {
  if (at + bytes > pool.length) {
    crypto.getRandomValues(pool);
    at = 0;
  }
  let s = '';
  let any = 0;
  for (let i = at; i < at + bytes; i++) {
    s += HEX[pool[i]!];
    any |= pool[i]!;
  }
  at += bytes;
  return any === 0 ? randomHex(bytes) : s;
}

/** A fresh W3C span (parent) id: 16 hex digits. */
export const newSpanId = (): string => randomHex(8);

/**
 * A fresh root `traceparent` (sampled). The ingest gives one to a request that brought none, or
 * none valid, as an OpenTelemetry server starts a trace (W3C trace-context 4.3), so the job's
 * worker lines carry a trace id that ties them to the request. It runs on every such enqueue,
 * so it is cheap: ~0.2 µs (an Array.from/join over a fresh getRandomValues per id took ~7 µs).
 */
export const newTraceparent = (): string => `00-${randomHex(16)}-${randomHex(8)}-01`;
