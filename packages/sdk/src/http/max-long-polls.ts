/** The default budget where the runtime caps connections: 4 of the 6, 2 left for the app's other requests. */
export const CAPPED_LONG_POLLS = 4;

/**
 * How many of a client's waits may long-poll at once (`maxLongPolls`), checked, or the runtime's
 * default. A long-poll holds its connection for up to 20 s, and some runtimes allow only 6:
 * - a browser, 6 HTTP/1.1 connections per host for the whole profile (all its tabs and workers),
 *   so six waits stalled every other request of the app to the ingest (a cancel took 7.7 s);
 *   found by `document` (a page) or a `Mozilla/` user agent (what every browser sends, also in its
 *   web and service workers, which share those connections);
 * - Cloudflare Workers, 6 simultaneous open connections per invocation (`navigator.userAgent` is
 *   `Cloudflare-Workers` there).
 * Elsewhere (Node's undici, Deno, Bun, Lambda) no such cap: unlimited, as a cap would only slow a
 * server waiting on many jobs. Over HTTP/2 a browser has no such cap either, but the client cannot
 * tell: set `maxLongPolls` (e.g. Infinity) when the ingest is reached over HTTP/2.
 */
export function maxLongPolls(value: unknown, runtime: Runtime = globalThis as Runtime): number {
  if (value === undefined) return capsConnections(runtime) ? CAPPED_LONG_POLLS : Number.POSITIVE_INFINITY;
  if (
    typeof value === 'number' &&
    value >= 0 &&
    (Number.isInteger(value) || value === Number.POSITIVE_INFINITY)
  )
    return value;
  throw new RangeError(`maxLongPolls must be a whole number >= 0 or Infinity, got ${String(value)}`);
}

/** The globals that tell the runtime (a parameter so a test can name another runtime's). */
export interface Runtime {
  document?: unknown;
  navigator?: { userAgent?: unknown };
}

function capsConnections(runtime: Runtime): boolean {
  const agent = runtime.navigator?.userAgent;
  return (
    runtime.document !== undefined ||
    (typeof agent === 'string' && (agent.startsWith('Mozilla/') || agent === 'Cloudflare-Workers'))
  );
}
