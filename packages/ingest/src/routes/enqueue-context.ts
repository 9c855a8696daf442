import {
  callerLocation,
  type EnqueueContext,
  type LatLon,
  newTraceparent,
  normalizeTraceparent,
  normalizeTracestate,
} from '@warren/core';
import type { Context } from 'hono';

/** What the producer needs from the HTTP request: trace context, link base, caller location. */
export function enqueueContext(c: Context, spanTraceparent?: () => string | undefined): EnqueueContext {
  let located: [LatLon | undefined] | undefined;
  const sent = normalizeTraceparent(c.req.header('traceparent'));
  return {
    // The request's span when the process traces it (it continues the caller's header itself):
    // the caller's header instead split the trace, a header-less request's span in one trace and
    // its job in another. Else a newer version is continued (as 00); none, or an invalid one,
    // starts a trace of the job's own here (as an OpenTelemetry server would), so its worker
    // lines carry a trace id.
    traceparent: spanTraceparent?.() ?? sent ?? newTraceparent(),
    // Only beside a valid traceparent (W3C §3.3); a span continuing it carries the same tracestate.
    tracestate: sent ? normalizeTracestate(c.req.header('tracestate')) : undefined,
    // Links name the URL the caller used: behind a TLS-terminating proxy its scheme, behind a
    // proxy or an API Gateway stage that serves the API under a path, that path.
    baseUrl:
      withScheme(originOf(c.req.url), c.req.header('x-forwarded-proto')) +
      forwardedPrefix(c.req.header('x-forwarded-prefix')),
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

/**
 * X-Forwarded-Prefix (set by the Lambda adapter for API Gateway stages, and by proxies that strip
 * a path prefix): the path in front of the API's routes, without a trailing slash. Anything but
 * plain path segments is ignored, so the header cannot point a link at another host.
 */
export function forwardedPrefix(value: string | undefined): string {
  if (!value || value.length > 256) return '';
  const p = value.replace(/\/+$/, '');
  return /^(?:\/[\w.~!$&'()*+,;=:@%-]+)+$/.test(p) ? p : '';
}

/**
 * The origin with the scheme X-Forwarded-Proto names (the first of a proxy chain's list: the
 * caller's), when it is http or https; anything else leaves the connection's scheme.
 */
export function withScheme(origin: string, forwardedProto: string | undefined): string {
  if (!forwardedProto) return origin;
  const proto = forwardedProto.split(',', 1)[0]!.trim().toLowerCase();
  if (proto !== 'https' && proto !== 'http') return origin;
  return proto + origin.slice(origin.indexOf(':'));
}
