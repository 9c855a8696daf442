import {
  enqueueBatchRequestSchema,
  enqueueMany,
  fieldErrors,
  idempotencyScopeOf,
  limitJobSize,
  MAX_BATCH,
  type Producer,
  ValidationError,
  WarrenError,
} from '@warren/core';
import { Hono } from 'hono';
import { assertTaskAllowed } from '../middleware/auth/auth';
import { jsonBody } from '../middleware/json-body/json-body';
import { allowOnly } from '../middleware/problem/problem';
import { enqueueContext } from './enqueue-context';
import { idempotencyKeyHeader } from './idempotency-header';

/**
 * `POST /v1/jobs/batch`: up to 1,000 jobs, all publishes in flight at once (the broker confirms
 * them as one pipelined burst); one result per item, `202` when all were accepted, else `207`.
 * The body may be 16 × the single-job limit; each item must still be within it (413 item).
 * An `Idempotency-Key` header keys each item (see `keyedItems`).
 */
export function batchRoutes(deps: {
  producer: Pick<Producer, 'enqueue'>;
  bodyLimitBytes: number;
  /** IngestDeps.traceparent: the request's span, read by enqueueContext. */
  traceparent?: () => string | undefined;
}) {
  const app = new Hono();
  app.post('/', jsonBody(deps.bodyLimitBytes * 16), async (c) => {
    const parsed = enqueueBatchRequestSchema.safeParse(c.get('jsonBody'));
    if (!parsed.success) {
      // The count's wording (core's enqueueMany says the same) only when the jobs list is at fault.
      const { issues } = parsed.error;
      const detail = issues.every((i) => i.path[0] === 'jobs')
        ? `a batch holds 1 to ${MAX_BATCH} jobs`
        : `a batch is {"jobs": [1 to ${MAX_BATCH} jobs]} and nothing else`;
      throw new ValidationError(detail, fieldErrors(issues));
    }
    const jobs = keyedItems(parsed.data.jobs, idempotencyKeyHeader(c));
    const key = c.get('apiKey');
    // Only a body over the single-job limit can hold an item over it: measure items only then.
    const sized =
      c.get('jsonBodyBytes') > deps.bodyLimitBytes
        ? limitJobSize(deps.producer, deps.bodyLimitBytes)
        : deps.producer;
    // Items refused for now (429 queue full, 503, 409 in flight) say when to come back, as the
    // same refusal of a single job does: the longest of their waits goes out as Retry-After.
    let retryAfterS = 0;
    const producer: Pick<Producer, 'enqueue'> = {
      enqueue: (req, ctx) =>
        sized.enqueue(req, ctx).catch((err: unknown) => {
          if (err instanceof WarrenError && err.retryAfterS)
            retryAfterS = Math.max(retryAfterS, err.retryAfterS);
          throw err;
        }),
    };
    const ctx = enqueueContext(c, deps.traceparent);
    // The caller's idempotency keys (the header's, the items' own) are its own: idempotency-scope.ts.
    ctx.idempotencyScope = await idempotencyScopeOf(key);
    const results = await enqueueMany(producer, jobs, ctx, {
      check: (task) => assertTaskAllowed(key, task),
      instance: (i) => `${c.req.path}#${i}`,
    });
    const allOk = results.every((r) => r.status < 300);
    if (retryAfterS > 0) c.header('retry-after', String(retryAfterS));
    return c.json({ results }, allOk ? 202 : 207);
  });
  app.all('/', allowOnly('POST'));
  return app;
}

/** Room left in an item's key (256 characters) for the `#<index>` the header's key gets. */
const MAX_HEADER_KEY = 250;

/**
 * An `Idempotency-Key` header names the whole request: each item without a key of its own gets
 * `<key>#<index>`, so the same batch sent again (its answer lost) replays its jobs instead of
 * enqueuing them twice, as the header does for `POST /v1/jobs`. An item's own key is kept.
 */
function keyedItems(jobs: unknown[], key: string | undefined): unknown[] {
  if (key === undefined) return jobs;
  if (key.length === 0 || key.length > MAX_HEADER_KEY) {
    throw new ValidationError('invalid Idempotency-Key header for a batch', [
      {
        path: 'Idempotency-Key',
        message: `1 to ${MAX_HEADER_KEY} characters (each item's key adds #<index>)`,
      },
    ]);
  }
  return jobs.map((item, i) =>
    item && typeof item === 'object' && !Array.isArray(item) && !('idempotencyKey' in item)
      ? { idempotencyKey: `${key}#${i}`, ...item }
      : item,
  );
}
