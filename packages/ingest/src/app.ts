import type { Producer, ResultStore, WarrenConfig } from '@warren/core';
import { Hono } from 'hono';
import { problemHandler, problemNotFound } from './middleware/problem/problem';
import { jobRoutes } from './routes/jobs';

export interface IngestDeps {
  config: WarrenConfig;
  producer: Producer;
  results: ResultStore;
  onError?: (err: unknown) => void;
}

/** The ingest as a Web-standard Hono app; the Node server and the Lambda handler wrap this object. */
export function createIngestApp(deps: IngestDeps) {
  const app = new Hono();
  app.onError(problemHandler((err) => deps.onError?.(err)));
  app.notFound(problemNotFound);
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route(
    '/v1/jobs',
    jobRoutes({
      producer: deps.producer,
      results: deps.results,
      bodyLimitBytes: deps.config.ingest.bodyLimitBytes,
    }),
  );
  return app;
}

export type IngestApp = ReturnType<typeof createIngestApp>;
