import type { MiddlewareHandler } from 'hono';

/**
 * `X-Content-Type-Options: nosniff` on every answer: bodies quote what a caller sent (a path as a
 * problem's instance, a task name, a job's error message), so no client may take one for another
 * type (markup in a crafted URL's 404 read as a page).
 */
export const nosniff = (): MiddlewareHandler => async (c, next) => {
  await next();
  c.res.headers.set('x-content-type-options', 'nosniff');
};
