/** Below this a number is not an int64; amqplib would still guess it one. */
const INT64_MIN = -(2 ** 63);

/**
 * A received header value as amqplib can publish it again. amqplib reads a double header as a
 * plain number and, writing, guesses an integer type for one that looks whole: a double below
 * -2^63 (-1e19 from a foreign producer) is guessed an int64, which it cannot write (RangeError).
 * Republishing such a message failed every time: its dead-letter copy (the long-running worker
 * fell back to a reject, the reason lost; the RabbitMQ Lambda handler failed its whole batch, for
 * ever) and its hops through the delay tiers. It goes as the double it was. Only on the
 * republishing paths (hops, dead letters), never per job.
 */
export function writableHeader(v: unknown): unknown {
  if (typeof v === 'number') return v < INT64_MIN || Number.isNaN(v) ? { '!': 'double', value: v } : v;
  if (Array.isArray(v)) return v.map(writableHeader);
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v) || '!' in v) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = writableHeader(x);
  return out;
}
