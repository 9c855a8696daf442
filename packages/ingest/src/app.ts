import type { JobRecord, Producer, ResultStore, WarrenConfig } from '@warren/core';
import { type Context, Hono } from 'hono';
import { bearerAuth } from './middleware/auth/auth';
import { corsFor } from './middleware/cors/cors';
import { nosniff } from './middleware/nosniff/nosniff';
import { notFoundSuggesting } from './middleware/problem/not-found';
import { allowOnly, problemHandler } from './middleware/problem/problem';
import type { buildOpenApi } from './openapi/build-openapi';
import { servePage } from './pages/static-page';
import { batchRoutes } from './routes/batch';
import { forwardedPrefix } from './routes/enqueue-context';
import { healthRoutes, type ReadinessCheck } from './routes/health';
import { jobRoutes } from './routes/jobs';

export interface IngestDeps {
  config: WarrenConfig;
  producer: Producer;
  results: ResultStore;
  /** Named readiness checks for /readyz (each region's broker); the result store is always checked. */
  readiness?: Record<string, ReadinessCheck>;
  /** Extra /readyz detail, e.g. each region's circuit state. */
  readinessDetails?: () => unknown;
  onError?: (err: unknown) => void;
  /**
   * After `DELETE /v1/jobs/:id` wrote `cancelled`: tells consumers the record does not reach, e.g.
   * `celeryRevokeOnCancel` (a Python Celery worker holding the job). A failure leaves the job
   * cancelled and goes to `onError`.
   */
  onCancelled?: (rec: JobRecord) => Promise<void>;
  /**
   * Called once per request with the matched route pattern (for HTTP metrics), suffixed `?wait`
   * for a long-poll (`GET /v1/jobs/:id?wait=…`): it waits on purpose, and timed with plain reads
   * it would make their latency its own.
   */
  onRequest?: (r: { route: string; method: string; status: number; ms: number }) => void;
  /** Mounts extra routes before the API (e.g. `/metrics`, `/dashboard`), keeping Node-only code out of here. */
  extend?: (app: Hono) => void;
  /**
   * How long a long-poll (`?wait=`) may still wait for this request, in ms: the Lambda adapter
   * answers before the invocation times out. Unbounded (but for the 30 s cap) when absent.
   */
  waitBudgetMs?: (c: Context) => number | undefined;
  /**
   * The request's own span as a `traceparent`, when the process traces it (an OpenTelemetry SDK
   * with HTTP instrumentation, an ADOT Lambda layer): observability's `traceparent`. A job then
   * continues that span, so the request and the run are one trace; the caller's header is read
   * only when there is none.
   */
  traceparent?: () => string | undefined;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `GET /v1/jobs/:id` when it long-polls (`?wait=` > 0), for onRequest's route label. */
    longPoll: boolean | undefined;
  }
}

/** The ingest as a Web-standard Hono app; the Node server and the Lambda handler wrap this object. */
export function createIngestApp(deps: IngestDeps) {
  const { config } = deps;
  const bodyLimitBytes = config.ingest.bodyLimitBytes;
  const app = new Hono();
  app.onError(problemHandler((err) => deps.onError?.(err)));
  app.notFound(notFoundSuggesting(() => app.routes));
  app.use('*', nosniff());
  const origins = config.ingest.corsOrigins;
  if (origins?.length) app.use('*', corsFor(origins));
  if (deps.onRequest) {
    const onRequest = deps.onRequest;
    app.use('*', async (c, next) => {
      const t0 = performance.now();
      await next();
      onRequest({
        route: c.get('longPoll') ? `${c.req.routePath}?wait` : c.req.routePath,
        method: c.req.method,
        status: c.res.status,
        ms: performance.now() - t0,
      });
    });
  }
  deps.extend?.(app);
  app.route(
    '/',
    healthRoutes({ results: deps.results, checks: deps.readiness, details: deps.readinessDetails }),
  );
  // /metrics and /status.json where extend (observability's) mounted them: a Lambda ingest has
  // neither, and so no dashboard, which is status.json drawn (it could only say it cannot reach it).
  const statusRoutes = ['/metrics', '/status.json'].every((p) =>
    app.routes.some((r) => r.path === p && r.method === 'GET'),
  );
  // The document's and /docs' code loads on their first request: nothing an enqueue needs, and a
  // Lambda ingest loaded it at every cold start. A failed build is tried again on the next request.
  let openapi: Promise<OpenApiDocument> | undefined;
  app.get('/openapi.json', async (c) => {
    openapi ??= import('./openapi/build-openapi')
      .then((m) => m.buildOpenApi(config, { statusRoutes }))
      .catch((err) => {
        openapi = undefined;
        throw err;
      });
    const doc = await openapi;
    // Behind an API Gateway stage or a proxy serving the API under a path, the document's server
    // is that path (resolved against the document's URL); without one, clients generated from it
    // called the host's root (`/v1/jobs`, not `/dev/v1/jobs`).
    const prefix = forwardedPrefix(c.req.header('x-forwarded-prefix'));
    return c.json(prefix ? { ...doc, servers: [{ url: prefix }] } : doc);
  });
  app.get(
    '/docs',
    servePage(async () => (await import('./openapi/docs-page')).docsPage()),
  );
  // Loaded on its first request: a Lambda ingest never mounts it, and its ~20 KB page loaded at
  // every cold start.
  const dashboard = async () => (await import('./dashboard/dashboard-page')).dashboardPage();
  if (statusRoutes) app.get('/dashboard', servePage(dashboard));
  for (const path of ['/openapi.json', '/docs', ...(statusRoutes ? ['/dashboard'] : [])])
    app.all(path, allowOnly('GET', 'HEAD'));
  app.use('/v1/*', bearerAuth(config.auth.keys));
  const { traceparent } = deps;
  app.route('/v1/jobs/batch', batchRoutes({ producer: deps.producer, bodyLimitBytes, traceparent }));
  app.route(
    '/v1/jobs',
    jobRoutes({
      producer: deps.producer,
      results: deps.results,
      bodyLimitBytes,
      config: deps.config,
      waitBudgetMs: deps.waitBudgetMs,
      traceparent,
      cancelHooks: deps.onCancelled && {
        onCancelled: deps.onCancelled,
        onCancelError: deps.onError
          ? (err, rec) =>
              deps.onError?.(
                new Error(`job ${rec.id} cancelled, but not every consumer heard of it`, { cause: err }),
              )
          : undefined,
      },
    }),
  );
  return app;
}

export type IngestApp = ReturnType<typeof createIngestApp>;
type OpenApiDocument = ReturnType<typeof buildOpenApi>;
