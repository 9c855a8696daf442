import type { MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by a route whose Response carries the header in plain-object headers (see nosniff). */
    nosniffSent: boolean | undefined;
  }
}

/** The header, for a route that builds its own Response with plain-object headers. */
export const NOSNIFF_HEADER = { 'x-content-type-options': 'nosniff' } as const;

/**
 * `X-Content-Type-Options: nosniff` on every answer: bodies quote what a caller sent (a path as a
 * problem's instance, a task name, a job's error message), so no client may take one for another
 * type (markup in a crafted URL's 404 read as a page). A route that answers with plain-object
 * headers (the enqueue's hot path) puts NOSNIFF_HEADER there itself and sets `nosniffSent`:
 * reading `c.res.headers` here turned them into a Headers object, which the Node adapter then
 * converted back, ~2 µs per request.
 */
export const nosniff = (): MiddlewareHandler => async (c, next) => {
  await next();
  if (!c.get('nosniffSent')) c.res.headers.set('x-content-type-options', 'nosniff');
};
