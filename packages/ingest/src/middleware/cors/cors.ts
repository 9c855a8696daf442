import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * CORS for browser callers of the API (the SDK's HTTP client runs in browsers), on only when the
 * config lists origins (`ingest.corsOrigins`; `*` for any). Mounted before auth: a preflight
 * carries no Authorization header and must not be a 401. The request headers the API reads and
 * the response headers a client needs (the job's Location, back-pressure, replays) are listed.
 */
export function corsFor(origins: readonly string[]): MiddlewareHandler {
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'traceparent', 'tracestate'],
    exposeHeaders: ['location', 'retry-after', 'idempotent-replayed', 'www-authenticate'],
    maxAge: 600,
  });
}
