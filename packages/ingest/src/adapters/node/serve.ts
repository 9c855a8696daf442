import { type ServerType, serve } from '@hono/node-server';
import type { IngestApp } from '../../app';
import { answerClientError } from './client-error';

/**
 * How long an idle keep-alive connection stays open: longer than the load balancers in front
 * keep theirs (ALB and nginx: 60 s). Node's 5 s default closed connections a balancer was about to
 * reuse, and it answered that request 502 (a POST it cannot resend, the job neither accepted nor
 * refused).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Serves the ingest on Node; resolves once listening. */
export function serveNode(app: IngestApp, port: number, hostname = '0.0.0.0'): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => resolve(server));
    if ('keepAliveTimeout' in server) {
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      // Node closes a connection whose next request's headers take longer than this: above the
      // idle time, or a request arriving just before it ends would be cut.
      server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
    }
    server.on('clientError', answerClientError);
    server.once('error', reject);
  });
}
