import { WarrenError } from '@warren/core';
import type { NotFoundHandler } from 'hono';
import { forwardedPrefix } from '../../routes/enqueue-context';
import { problemResponse } from './problem';

/**
 * 404 problem+json for a path no route has. A path that is a route but for a trailing slash
 * (`POST /v1/jobs/`) stays a 404 (a redirect would turn a POST into a GET, or drop its body, in
 * many clients; one URL per resource keeps links and idempotency plain) whose detail names the
 * path meant, with the prefix the caller's URL has (an API Gateway stage). The same on every adapter.
 */
export function notFoundSuggesting(routes: () => readonly { path: string }[]): NotFoundHandler {
  let patterns: RegExp[] | undefined;
  return (c) => {
    const path = c.req.path;
    const shown = (p: string) => `${c.req.method} ${forwardedPrefix(c.req.header('x-forwarded-prefix'))}${p}`;
    let detail = `no route for ${shown(path)}`;
    const trimmed = withoutTrailingSlashes(path);
    if (trimmed && trimmed !== path) {
      // Built on the first such 404, once every route is registered; wildcards are middleware.
      patterns ??= routes()
        .filter((r) => !r.path.includes('*'))
        .map((r) => new RegExp(`^${r.path.split('/').map(segment).join('/')}$`));
      if (patterns.some((re) => re.test(trimmed)))
        detail += `: remove the trailing slash (${shown(trimmed)})`;
    }
    return problemResponse(c, new WarrenError(404, 'not-found', detail));
  };
}

/** A route path segment as a regular expression: `:id` any one segment, the rest literal. */
const segment = (s: string) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/**
 * By a walk back, not /\/+$/: that regex backtracks quadratically on a run of slashes followed by
 * anything else (a 16,000-slash path, no API key needed, cost the ingest 0.5 s of CPU).
 */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  return path.slice(0, end);
}
