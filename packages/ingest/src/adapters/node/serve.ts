import { type ServerType, serve } from '@hono/node-server';
import type { IngestApp } from '../../app';

/** Serves the ingest on Node; resolves once listening. */
export function serveNode(app: IngestApp, port: number, hostname = '0.0.0.0'): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}
