import { callerLocation, type EnqueueContext, type LatLon, normalizeTraceparent } from '@warren/core';
import type { Context } from 'hono';

/** What the producer needs from the HTTP request: trace context, link base, caller location. */
export function enqueueContext(c: Context): EnqueueContext {
  let located: [LatLon | undefined] | undefined;
  return {
    // A newer version is continued (as 00), an invalid one dropped: the job starts a trace of its own.
    traceparent: normalizeTraceparent(c.req.header('traceparent')),
    baseUrl: originOf(c.req.url),
    // Read from the geo headers only if the router asks (several located regions), once per request.
    locate: () => {
      located ??= [callerLocation((name) => c.req.header(name))];
      return located[0];
    },
  };
}

/**
 * The origin of an absolute request URL by slicing (it always has a path), not a URL parse per
 * request; anything unusual (no path, user info in the authority) goes through `URL`.
 */
export function originOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  if (slash > 0 && url.lastIndexOf('@', slash) < 0) return url.slice(0, slash);
  return new URL(url).origin;
}
