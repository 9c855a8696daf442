import { type ServerType, serve } from '@hono/node-server';
import { nosniff } from '@warren/ingest/middleware';
import { Hono } from 'hono';
import type { Observability } from '../observe';

/**
 * `/metrics` and `/status.json` on their own port, for processes without an HTTP API of their
 * own (long-running workers, forwarders). Resolves once listening. `/healthz` answers `health()`
 * (503 when not ok, e.g. a worker whose slots are all held by runaway tasks) so an orchestrator
 * can restart the process.
 */
export function serveStatus(
  obs: Observability,
  port: number,
  hostname = '0.0.0.0',
  health: () => { ok: boolean } = () => ({ ok: true }),
): Promise<ServerType> {
  const app = new Hono();
  // As the ingest: /status.json quotes job error messages.
  app.use('*', nosniff());
  obs.extend(app);
  app.get('/healthz', (c) => {
    const h = health();
    return c.json(h, h.ok ? 200 : 503);
  });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}
