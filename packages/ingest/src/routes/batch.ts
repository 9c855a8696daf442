import {
  type EnqueueResponse,
  enqueueBatchRequestSchema,
  enqueueRequestSchema,
  fieldErrors,
  MAX_BATCH,
  type Problem,
  type Producer,
  ValidationError,
  WarrenError,
} from '@warren/core';
import { Hono } from 'hono';
import { assertTaskAllowed } from '../middleware/auth/auth';
import { jsonBody } from '../middleware/json-body/json-body';
import { enqueueContext } from './enqueue-context';

export type BatchItemResult = { status: number; job?: EnqueueResponse; problem?: Problem };

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
    const ctx = enqueueContext(c);
    const key = c.get('apiKey');
    const results = await Promise.all(
      parsed.data.jobs.map(async (item, i): Promise<BatchItemResult> => {
        try {
          const req = enqueueRequestSchema.safeParse(item);
          if (!req.success) {
            throw new ValidationError('invalid enqueue request', fieldErrors(req.error.issues, `jobs.${i}`));
          }
          assertTaskAllowed(key, req.data.task);
          const { replayed, response } = await deps.producer.enqueue(req.data, ctx);
          return { status: replayed ? 200 : 202, job: response };
        } catch (err) {
          if (err instanceof WarrenError)
            return { status: err.status, problem: err.toProblem(`${c.req.path}#${i}`) };
          throw err;
        }
      }),
    );
    const allOk = results.every((r) => r.status < 300);
    return c.json({ results }, allOk ? 202 : 207);
  });
  return app;
}
