import {
  enqueueRequestSchema,
  fieldErrors,
  JOB_ID_PATTERN,
  NotFoundError,
  type Producer,
  type ResultStore,
  ValidationError,
} from '@warren/core';
import { Hono } from 'hono';
import { jsonBody } from '../middleware/json-body/json-body';
import { parseWait, waitForJob } from './wait-for-job';

export interface JobRoutesDeps {
  producer: Producer;
  results: ResultStore;
  bodyLimitBytes: number;
}

export function jobRoutes(deps: JobRoutesDeps) {
  const app = new Hono();

  app.post('/', jsonBody(deps.bodyLimitBytes), async (c) => {
    const body = c.get('jsonBody');
    const headerKey = c.req.header('idempotency-key');
    const parsed = enqueueRequestSchema.safeParse(
      headerKey && body && typeof body === 'object' && !Array.isArray(body)
        ? { idempotencyKey: headerKey, ...(body as object) }
        : body,
    );
    if (!parsed.success)
      throw new ValidationError('invalid enqueue request', fieldErrors(parsed.error.issues));
    const { replayed, response } = await deps.producer.enqueue(parsed.data, {
      traceparent: c.req.header('traceparent'),
      baseUrl: new URL(c.req.url).origin,
    });
    if (replayed) c.header('idempotent-replayed', 'true');
    c.header('location', response.links.self);
    return c.json(response, replayed ? 200 : 202);
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    if (!JOB_ID_PATTERN.test(id)) throw new NotFoundError(`no job ${id}`);
    const rec = await waitForJob(deps.results, id, parseWait(c.req.query('wait')), c.req.raw.signal);
    if (!rec) throw new NotFoundError(`no job ${id}`);
    return c.json(rec);
  });

  return app;
}
