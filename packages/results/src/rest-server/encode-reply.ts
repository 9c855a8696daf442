/**
 * A RESP2 reply from ioredis' `callBuffer` in Upstash's JSON form: integers as numbers, nil as
 * null, arrays nested, bulk and status strings as UTF-8 — or, when the client sent
 * `Upstash-Encoding: base64`, every string base64-encoded (what @upstash/redis asks for by default;
 * it keeps binary values intact).
 */
export function encodeReply(reply: unknown, base64: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply)) return reply.toString(base64 ? 'base64' : 'utf8');
  if (typeof reply === 'string') return base64 ? Buffer.from(reply, 'utf8').toString('base64') : reply;
  if (Array.isArray(reply)) return reply.map((r) => encodeReply(r, base64));
  return reply; // number
}

/** A command from a request body, or a parse error in Upstash's words. */
export function parseCommand(raw: unknown): { cmd: (string | number)[] } | { error: string } {
  if (!Array.isArray(raw) || raw.length === 0) return { error: 'ERR failed to parse command' };
  const cmd: (string | number)[] = [];
  for (const part of raw) {
    if (typeof part === 'string' || typeof part === 'number') cmd.push(part);
    else if (typeof part === 'boolean') cmd.push(String(part));
    else return { error: 'ERR failed to parse command' };
  }
  return { cmd };
}
