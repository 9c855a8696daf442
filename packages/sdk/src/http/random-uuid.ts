interface RandomSource {
  getRandomValues(bytes: Uint8Array): Uint8Array;
  randomUUID?: () => string;
}

/**
 * A v4 UUID (an enqueue's idempotency key). Browsers give `crypto.randomUUID` only to secure
 * contexts: a page on plain http from a host other than localhost (a LAN address, an intranet
 * name) has none, but has `getRandomValues`.
 */
export function randomUUID(source: RandomSource = crypto): string {
  if (typeof source.randomUUID === 'function') return source.randomUUID();
  const b = source.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
