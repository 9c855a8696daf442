import { WarrenError } from '@warren/core';
import type { IngestDeps } from '@warren/ingest';
import { problemResponse } from '@warren/ingest/middleware';

type App = Parameters<NonNullable<IngestDeps['extend']>>[0];

/** localhost (and its subdomains, which browsers resolve to loopback themselves), 127.0.0.1, [::1]. */
const LOOPBACK_HOST = /^(?:(?:[\w-]+\.)*localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/i;

/**
 * For an open ingest on loopback (`warren dev` without keys): a request whose Host is not a
 * loopback name is a 403. On loopback alone, a web page could still reach it by DNS rebinding (its
 * own domain resolving to 127.0.0.1 after load, so same-origin to the browser) and enqueue the
 * app's tasks and read their results; a rebound request names the attacker's domain in Host.
 */
export function loopbackHostsOnly(app: App): void {
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (LOOPBACK_HOST.test(host)) return next();
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
