import { WarrenError } from '@warren/core';
import { bearerAuth, problemResponse } from '@warren/ingest/middleware';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';
import type { StatusSnapshot } from './collect-status';

export interface StatusRoutesOptions {
  registry: Registry;
  status: () => Promise<StatusSnapshot>;
  /** When non-empty, `/metrics` and `/status.json` need `Authorization: Bearer <one of these>`. */
  keys?: readonly string[];
}

/**
 * `GET /metrics` (Prometheus text) and `GET /status.json`, mounted through `createIngestApp({ extend })`
 * or on a bare Hono app for workers and forwarders. Both expose internals (queue names, errors),
 * so they take the ingest's API keys when there are any, checked by the ingest's own bearerAuth.
 */
export function mountStatusRoutes(app: Hono, opts: StatusRoutesOptions): void {
  const auth = statusAuth(opts.keys ?? []);
  app.get('/metrics', auth, async (c) => {
    const body = await opts.registry.metrics();
    return c.body(body, 200, { 'content-type': opts.registry.contentType });
  });
  app.get('/status.json', auth, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await opts.status());
  });
}

/**
 * The ingest's bearerAuth, its refusals answered here as the ingest's problem+json (type URL,
 * detail, instance, WWW-Authenticate): a bare app (serveStatus, or a user's) may have no
 * problem-rendering onError, and Hono's default would turn them into a 500.
 */
function statusAuth(keys: readonly string[]): MiddlewareHandler {
  const check = bearerAuth(keys.map((key) => ({ key })));
  const pass = async () => {};
  return async (c, next) => {
    try {
      await check(c, pass);
    } catch (err) {
      if (err instanceof WarrenError) return problemResponse(c, err);
      throw err;
    }
    return next();
  };
}
