import { constantTimeEqual } from '@warren/core';
import type { Hono } from 'hono';
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
 * so they take the ingest's API keys when there are any.
 */
export function mountStatusRoutes(app: Hono, opts: StatusRoutesOptions): void {
  const keys = opts.keys ?? [];
  const allowed = (auth: string | undefined) => {
    if (keys.length === 0) return true;
    const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
    if (!m) return false;
    const given = m[1]!.trim();
    // Every key compared, in constant time: the time taken says nothing about any key.
    let ok = false;
    for (const k of keys) ok = constantTimeEqual(k, given) || ok;
    return ok;
  };
  const denied = () =>
    new Response(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401 }), {
      status: 401,
      headers: { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' },
    });
  app.get('/metrics', async (c) => {
    if (!allowed(c.req.header('authorization'))) return denied();
    const body = await opts.registry.metrics();
    return c.body(body, 200, { 'content-type': opts.registry.contentType });
  });
  app.get('/status.json', async (c) => {
    if (!allowed(c.req.header('authorization'))) return denied();
    c.header('cache-control', 'no-store');
    return c.json(await opts.status());
  });
}
