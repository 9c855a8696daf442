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
import { limitItemSize } from './item-size-limit';

/**
 * `POST /v1/jobs/batch`: up to 1,000 jobs, all publishes in flight at once (the broker confirms
 * them as one pipelined burst); one result per item, `202` when all were accepted, else `207`.
 * The body may be 16 × the single-job limit; each item must still be within it (413 item).
 */
export function batchRoutes(deps: { producer: Pick<Producer, 'enqueue'>; bodyLimitBytes: number }) {
  const app = new Hono();
  app.post('/', jsonBody(deps.bodyLimitBytes * 16), async (c) => {
    const parsed = enqueueBatchRequestSchema.safeParse(c.get('jsonBody'));
    if (!parsed.success) {
      throw new ValidationError(`a batch holds 1 to ${MAX_BATCH} jobs`, fieldErrors(parsed.error.issues));
    }
    const key = c.get('apiKey');
    // Only a body over the single-job limit can hold an item over it: measure items only then.
    const producer =
      c.get('jsonBodyBytes') > deps.bodyLimitBytes
        ? limitItemSize(deps.producer, deps.bodyLimitBytes)
        : deps.producer;
    const results = await enqueueMany(producer, parsed.data.jobs, enqueueContext(c), {
      check: (task) => assertTaskAllowed(key, task),
      instance: (i) => `${c.req.path}#${i}`,
    });
    const allOk = results.every((r) => r.status < 300);
    return c.json({ results }, allOk ? 202 : 207);
  });
  return app;
}
