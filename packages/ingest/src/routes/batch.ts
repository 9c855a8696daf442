import {
  enqueueBatchRequestSchema,
  enqueueMany,
  fieldErrors,
  MAX_BATCH,
  type Producer,
  ValidationError,
} from '@warren/core';
import { Hono } from 'hono';
import { assertTaskAllowed } from '../middleware/auth/auth';
import { jsonBody } from '../middleware/json-body/json-body';
import { enqueueContext } from './enqueue-context';

/**
 * `POST /v1/jobs/batch`: up to 1,000 jobs, all publishes in flight at once (the broker confirms
 * them as one pipelined burst); one result per item, `202` when all were accepted, else `207`.
 */
export function batchRoutes(deps: { producer: Producer; bodyLimitBytes: number }) {
  const app = new Hono();
  app.post('/', jsonBody(deps.bodyLimitBytes * 16), async (c) => {
    const parsed = enqueueBatchRequestSchema.safeParse(c.get('jsonBody'));
    if (!parsed.success) {
      throw new ValidationError(`a batch holds 1 to ${MAX_BATCH} jobs`, fieldErrors(parsed.error.issues));
    }
    const key = c.get('apiKey');
    const results = await enqueueMany(deps.producer, parsed.data.jobs, enqueueContext(c), {
      check: (task) => assertTaskAllowed(key, task),
      instance: (i) => `${c.req.path}#${i}`,
    });
    const allOk = results.every((r) => r.status < 300);
    return c.json({ results }, allOk ? 202 : 207);
  });
  return app;
}
