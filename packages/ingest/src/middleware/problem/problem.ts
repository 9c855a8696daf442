import { PROBLEM_CONTENT_TYPE, type Problem, WarrenError } from '@warren/core';
import type { Context, ErrorHandler, Handler, NotFoundHandler } from 'hono';

export function problemResponse(c: Context, err: WarrenError): Response {
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  if (err.retryAfterS !== undefined && (err.status === 409 || err.status === 429 || err.status === 503)) {
    headers['retry-after'] = String(err.retryAfterS);
  }
  // RFC 9110 15.5.2: a 401 must name the scheme it wants; clients and proxies read it.
  if (err.status === 401) headers['www-authenticate'] = 'Bearer realm="warren"';
  // RFC 9110 15.5.16: a 415 names the content codings taken; bodies are read uncompressed.
  if (err.status === 415) headers['accept-encoding'] = 'identity';
  return new Response(JSON.stringify(err.toProblem(c.req.path)), { status: err.status, headers });
}

/** Every error leaves as RFC 9457 problem+json; unknown errors are a 500 without internals. */
export function problemHandler(log: (err: unknown, c: Context) => void = () => {}): ErrorHandler {
  return (err, c) => {
    if (err instanceof WarrenError) return problemResponse(c, err);
    log(err, c);
    const body: Problem = {
      type: 'https://warren.dev/problems/internal',
      title: 'internal error',
      status: 500,
      instance: c.req.path,
    };
    return new Response(JSON.stringify(body), {
      status: 500,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    });
  };
}

export const problemNotFound: NotFoundHandler = (c) =>
  problemResponse(c, new WarrenError(404, 'not-found', `no route for ${c.req.method} ${c.req.path}`));

/**
 * The last handler of a path that exists: any other method is a 405 naming the allowed ones in
 * Allow (RFC 9110 15.5.6), not a 404 saying there is no such resource; OPTIONS answers 204 with
 * Allow. (HEAD goes to the GET handler.)
 */
export function allowOnly(...methods: string[]): Handler {
  const allow = [...methods, 'OPTIONS'].join(', ');
  return (c) => {
    if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow } });
    const msg = `${c.req.method} is not allowed on ${c.req.path} (allowed: ${allow})`;
    const res = problemResponse(c, new WarrenError(405, 'method-not-allowed', msg));
    res.headers.set('allow', allow);
    return res;
  };
}
