/** The parts of a Lambda HTTP event (API Gateway v1/v2, Function URL, ALB) read here. */
interface HttpEvent {
  version?: string;
  rawPath?: string;
  path?: string;
  requestContext?: {
    stage?: string;
    apiId?: string;
    domainPrefix?: string;
    http?: { path?: string };
  };
}

/**
 * The event with the stage taken off its path, where API Gateway put it there: an HTTP API
 * (payload 2.0 `rawPath`, or 1.0 `path`) on a named stage, called on its generated endpoint
 * (`<api>.execute-api…/dev/v1/jobs`), hands the stage to the function as the first path segment,
 * which no route of the ingest has (every request was a 404). A REST API already routes without
 * it; `$default` and custom domains (whose API mapping names the stage) have none.
 */
export function withoutStage<E>(event: E): E {
  const e = event as HttpEvent;
  const rc = e.requestContext;
  const stage = rc?.stage;
  // Only on the generated endpoint: through a custom domain the path has no stage segment, and
  // a first segment that happens to equal the stage's name (`v1`) must stay.
  if (!stage || stage === '$default' || !rc.apiId || rc.domainPrefix !== rc.apiId) return event;
  const strip = (path: string) => {
    const prefix = `/${stage}`;
    if (path === prefix) return '/';
    return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
  };
  if (e.rawPath !== undefined && rc.http) {
    const rawPath = strip(e.rawPath);
    return rawPath === undefined ? event : ({ ...e, rawPath } as E);
  }
  // Payload 1.0 from an HTTP API says so; a REST API's events have no version (and no stage in `path`).
  if (e.version === '1.0' && e.path !== undefined) {
    const path = strip(e.path);
    return path === undefined ? event : ({ ...e, path } as E);
  }
  return event;
}
