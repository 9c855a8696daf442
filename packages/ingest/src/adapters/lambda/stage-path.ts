/** The parts of a Lambda HTTP event (API Gateway v1/v2, Function URL, ALB) read here. */
interface HttpEvent {
  version?: string;
  rawPath?: string;
  path?: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  requestContext?: {
    stage?: string;
    apiId?: string;
    domainPrefix?: string;
    path?: string;
    http?: unknown;
  };
}

/** The header that tells the app the path its callers' URLs have in front of its routes. */
export const PREFIX_HEADER = 'x-forwarded-prefix';

/**
 * The event as the ingest's routes know it, with the path API Gateway serves the API under in
 * X-Forwarded-Prefix (so job links and Location name the URL the caller can use):
 * - an HTTP API (payload 2.0 `rawPath`, or 1.0 `path`) on a named stage, called on its generated
 *   endpoint (`<api>.execute-api…/dev/v1/jobs`), hands the stage to the function as the first path
 *   segment, which no route has: taken off the path, it becomes the prefix;
 * - a REST API routes on `path` without the stage (or a custom domain's base path), while
 *   `requestContext.path` has it: the difference is the prefix.
 * `$default`, Function URLs and ALBs have none. A prefix header sent by the caller is dropped.
 */
export function toAppEvent<E>(event: E): E {
  const e = event as HttpEvent;
  const rc = e.requestContext;
  let prefix = '';
  let routed: Partial<HttpEvent> = {};
  const stage = rc?.stage;
  // Only on the generated endpoint: through a custom domain the path has no stage segment, and
  // a first segment that happens to equal the stage's name (`v1`) must stay.
  const stagePath =
    stage && stage !== '$default' && rc.apiId && rc.domainPrefix === rc.apiId ? `/${stage}` : undefined;
  const strip = (path: string) => {
    if (!stagePath) return undefined;
    if (path === stagePath) return '/';
    return path.startsWith(`${stagePath}/`) ? path.slice(stagePath.length) : undefined;
  };
  if (e.rawPath !== undefined && rc?.http) {
    const rawPath = strip(e.rawPath);
    if (rawPath !== undefined) [prefix, routed] = [stagePath!, { rawPath }];
  } else if (e.version === '1.0' && e.path !== undefined) {
    // Payload 1.0 from an HTTP API says so: its `path` has the stage like rawPath.
    const path = strip(e.path);
    if (path !== undefined) [prefix, routed] = [stagePath!, { path }];
  } else if (e.path && rc?.path && rc.path.length > e.path.length && rc.path.endsWith(e.path)) {
    prefix = rc.path.slice(0, rc.path.length - e.path.length);
  }
  const hasHeader = (h: object | null | undefined) =>
    !!h && Object.keys(h).some((k) => k.toLowerCase() === PREFIX_HEADER);
  if (!prefix && !hasHeader(e.headers) && !hasHeader(e.multiValueHeaders)) return event;
  return {
    ...e,
    ...routed,
    headers: withPrefix(e.headers, prefix || undefined),
    ...(e.multiValueHeaders
      ? { multiValueHeaders: withPrefix(e.multiValueHeaders, prefix ? [prefix] : undefined) }
      : {}),
  } as E;
}

function withPrefix<V>(headers: Record<string, V> | null | undefined, value: V | undefined) {
  const out: Record<string, V> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() !== PREFIX_HEADER) out[k] = v;
  if (value !== undefined) out[PREFIX_HEADER] = value;
  return out;
}
