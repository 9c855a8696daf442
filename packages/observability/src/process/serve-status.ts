import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Observability } from '../observe';

/**
 * `/metrics` and `/status.json` on their own port, for processes without an HTTP API of their
 * own (long-running workers, forwarders). Resolves once listening.
 */
export function serveStatus(obs: Observability, port: number, hostname = '0.0.0.0'): Promise<ServerType> {
  const app = new Hono();
  obs.extend(app);
  app.get('/healthz', (c) => c.json({ ok: true }));
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}
