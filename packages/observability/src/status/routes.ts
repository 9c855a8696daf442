import { type ApiKey, ForbiddenError, WarrenError } from '@warren/core';
import { allowOnly, bearerAuth, problemResponse } from '@warren/ingest/middleware';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';
import type { StatusSnapshot } from './collect-status';

export interface StatusRoutesOptions {
  registry: Registry;
  status: () => Promise<StatusSnapshot>;
  /**
   * When non-empty, `/metrics` and `/status.json` need `Authorization: Bearer <one of these>`, and
   * one without a task limit (`tasks`): they show every task's queues and failures.
   */
  keys?: readonly (string | ApiKey)[];
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
  // Another method is a 405 naming the allowed ones, as on the ingest's other routes (not a 404).
  for (const path of ['/metrics', '/status.json']) app.all(path, allowOnly('GET', 'HEAD'));
}

/**
 * The ingest's bearerAuth (and a 403 for a task-limited key), its refusals answered here as the ingest's problem+json (type URL,
 * detail, instance, WWW-Authenticate): a bare app (serveStatus, or a user's) may have no
 * problem-rendering onError, and Hono's default would turn them into a 500.
 */
function statusAuth(keys: readonly (string | ApiKey)[]): MiddlewareHandler {
  const check = bearerAuth(keys.map((k) => (typeof k === 'string' ? { key: k } : k)));
  const pass = async () => {};
  return async (c, next) => {
    try {
      await check(c, pass);
      // A key limited to some tasks may not read other tasks' jobs (GET /v1/jobs/:id is a 403);
      // these routes show every task's failures, errors included.
      const k = c.get('apiKey');
      if (k?.tasks)
        throw new ForbiddenError(
          `API key${k.name ? ` "${k.name}"` : ''} is limited to tasks ${k.tasks.join(', ')}; ${c.req.path} needs a key without a task limit`,
        );
    } catch (err) {
      if (err instanceof WarrenError) return problemResponse(c, err);
      throw err;
    }
    return next();
  };
}
