/**
 * UUIDv7 (RFC 9562): 48-bit Unix ms timestamp + random bits, so ids sort by creation time.
 * Written here rather than taken from `uuid` because core may depend on protocol only and must
 * run on edge runtimes; it needs only `crypto.getRandomValues`.
 */

// Random bytes are drawn 4 KiB at a time (as Node's randomUUID does): one getRandomValues call
// per id showed up in publish profiles.
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(nowMs: number = Date.now()): string {
  if (poolAt + 10 > POOL.length) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 10;
  let ts = nowMs;
  let time = '';
  for (let i = 0; i < 6; i++) {
    time = HEX[ts % 256]! + time;
    ts = Math.floor(ts / 256);
  }
  const p = POOL;
  const ver = HEX[(p[r]! & 0x0f) | 0x70]! + HEX[p[r + 1]!]!;
  const variant = HEX[(p[r + 2]! & 0x3f) | 0x80]! + HEX[p[r + 3]!]!;
  let node = '';
  for (let i = r + 4; i < r + 10; i++) node += HEX[p[i]!]!;
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-${ver}-${variant}-${node}`;
}
