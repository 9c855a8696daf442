import { isLoopbackHost, WarrenError } from '@warren/core';
import type { IngestDeps } from '@warren/ingest';
import { problemResponse } from '@warren/ingest/middleware';

type App = Parameters<NonNullable<IngestDeps['extend']>>[0];

/**
 * For an open ingest on loopback (`warren dev` without keys): a request whose Host is not a
 * loopback name is a 403: reached by DNS rebinding (see isLoopbackHost), a web page could enqueue
 * the app's tasks and read their results.
 */
export function loopbackHostsOnly(app: App): void {
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (isLoopbackHost(host)) return next();
    return problemResponse(
      c,
      new WarrenError(
        403,
        'host-not-allowed',
        `this open ingest answers only localhost, 127.0.0.1 and [::1], not Host ${JSON.stringify(host.slice(0, 100))}: set --host (WARREN_HOST) to serve other names, or configure API keys`,
      ),
    );
  });
}
