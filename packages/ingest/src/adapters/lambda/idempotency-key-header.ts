import { NON_ASCII_KEY } from '../../routes/idempotency-header';

interface HeaderEvent {
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
}

/** Any character past U+007F (what hono/aws-lambda percent-encodes). */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * The event with an Idempotency-Key header holding non-ASCII characters, or sent twice
 * (multiValueHeaders of a REST API or an ALB), replaced by DEL, which the app refuses as it
 * refuses those characters, or the comma-joined header, from the Node server (400 naming the
 * header). Left as is, hono/aws-lambda percent-encodes a non-ASCII value into a valid ASCII key of
 * another spelling than the Node server reads, and joins an ALB's repeated header with "; ": the
 * same retry through two adapters enqueued the job twice.
 */
export function asciiIdempotencyKey<E>(event: E): E {
  const e = event as HeaderEvent;
  const bad = (k: string, v: string | string[] | undefined) =>
    k.toLowerCase() === 'idempotency-key' &&
    ((Array.isArray(v) && v.length > 1) || [v ?? []].flat().some((x) => NON_ASCII.test(x)));
  const inSingle = Object.entries(e.headers ?? {}).some(([k, v]) => bad(k, v));
  const inMulti = Object.entries(e.multiValueHeaders ?? {}).some(([k, v]) => bad(k, v));
  if (!inSingle && !inMulti) return event;
  const replace = <V>(h: Record<string, V>, value: V) =>
    Object.fromEntries(
      Object.entries(h).map(([k, v]) => [k, k.toLowerCase() === 'idempotency-key' ? value : v]),
    );
  return {
    ...e,
    ...(e.headers ? { headers: replace(e.headers, NON_ASCII_KEY) } : {}),
    ...(e.multiValueHeaders ? { multiValueHeaders: replace(e.multiValueHeaders, [NON_ASCII_KEY]) } : {}),
  } as E;
}
