import {
  type CancelHooks,
  cancelJob,
  clientIdempotencyKey,
  type EnqueueRequest,
  idempotencyScopeOf,
  JOB_ID_PATTERN,
  type JobRecord,
  NotFoundError,
  type Producer,
  parseEnqueueRequest,
  type ResultStore,
  ValidationError,
  type WarrenConfig,
} from '@warren/core';
import { type Context, Hono } from 'hono';
import { assertTaskAllowed } from '../middleware/auth/auth';
import { jsonBody } from '../middleware/json-body/json-body';
import { NOSNIFF_HEADER } from '../middleware/nosniff/nosniff';
import { allowOnly } from '../middleware/problem/problem';
import { enqueueContext } from './enqueue-context';
import { idempotencyKeyHeader, namingHeaderKey } from './idempotency-header';
import { parseWait, waitForJob } from './wait-for-job';

export interface JobRoutesDeps {
  producer: Pick<Producer, 'enqueue'>;
  results: ResultStore;
  bodyLimitBytes: number;
  /** Record TTLs for a cancellation (see cancelPatch). */
  config: Pick<WarrenConfig, 'tasks' | 'results'>;
  /** Who else hears of a cancel (a Celery revoke broadcast) and where its failure is reported. */
  cancelHooks?: CancelHooks;
  /** The longest a long-poll may wait for this request (ms), when the platform bounds it. */
  waitBudgetMs?: (c: Context) => number | undefined;
  /** IngestDeps.traceparent: the request's span, read by enqueueContext. */
  traceparent?: () => string | undefined;
}

export function jobRoutes(deps: JobRoutesDeps) {
  const app = new Hono();

  app.post('/', jsonBody(deps.bodyLimitBytes), async (c) => {
    const body = c.get('jsonBody');
    const headerKey = idempotencyKeyHeader(c);
    // Two different keys in one request: deduplicating on either would surprise the caller.
    if (
      headerKey !== undefined &&
      isObject(body) &&
      body.idempotencyKey !== undefined &&
      body.idempotencyKey !== headerKey
    ) {
      throw new ValidationError('the Idempotency-Key header and the body name different keys', [
        { path: 'idempotencyKey', message: 'differs from the Idempotency-Key header' },
      ]);
    }
    // An empty header is validated like an empty key (400), not taken for no key: the caller
    // meant the request to be idempotent.
    const fromHeader = headerKey !== undefined && isObject(body) && body.idempotencyKey === undefined;
    let req: EnqueueRequest;
    try {
      req = parseEnqueueRequest(fromHeader ? { idempotencyKey: headerKey, ...body } : body);
    } catch (err) {
      throw fromHeader ? namingHeaderKey(err) : err;
    }
    assertTaskAllowed(c.get('apiKey'), req.task);
    const ctx = enqueueContext(c, deps.traceparent);
    // The caller's idempotency keys are its own (see idempotency-scope.ts).
    if (req.idempotencyKey) ctx.idempotencyScope = await idempotencyScopeOf(c.get('apiKey'));
    const { replayed, response } = await deps.producer.enqueue(req, ctx);
    // A Response with plain-object headers, not c.header() + c.json(): Hono turns two or more
    // headers into a Headers object, which the Node adapter then converts back per response
    // (~3 µs of the ingest's ~90 µs CPU per request); plain headers go out as they are.
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      location: response.links.self,
      ...NOSNIFF_HEADER,
    };
    if (replayed) headers['idempotent-replayed'] = 'true';
    c.set('nosniffSent', true);
    return new Response(JSON.stringify(response), { status: replayed ? 200 : 202, headers });
  });

  app.get('/:id', async (c) => {
    const wanted = parseWait(c.req.query('wait'));
    if (wanted > 0) c.set('longPoll', true);
    const budget = wanted > 0 ? deps.waitBudgetMs?.(c) : undefined;
    const rec = await visibleJob(
      c,
      deps.results,
      budget === undefined ? wanted : Math.min(wanted, budget),
      deps.config,
    );
    return c.json(asSent(rec));
  });

  app.delete('/:id', async (c) => {
    const rec = await visibleJob(c, deps.results, 0, deps.config);
    return c.json(asSent(await cancelJob(deps.results, rec, deps.config, deps.cancelHooks)));
  });

  app.all('/', allowOnly('POST'));
  app.all('/:id', allowOnly('GET', 'HEAD', 'DELETE'));

  return app;
}

/** The job: 404 if it does not exist, 403 if the caller's key may not use its task. */
async function visibleJob(
  c: Context,
  results: ResultStore,
  waitMs: number,
  config?: JobRoutesDeps['config'],
): Promise<JobRecord> {
  const id = c.req.param('id')!;
  if (!JOB_ID_PATTERN.test(id)) throw new NotFoundError(`no job ${id}`);
  // The key's task patterns are checked on the first read: a job it may not see is a 403 at once,
  // not after a long-poll.
  const allowed = (r: JobRecord) => assertTaskAllowed(c.get('apiKey'), r.task);
  // The signal only for a long-poll (its caller hanging up ends the wait): on Node reading it
  // makes an AbortController, a cost a plain read need not pay.
  const signal = waitMs > 0 ? c.req.raw.signal : undefined;
  const rec = await waitForJob(results, id, waitMs, signal, allowed, config);
  if (!rec) throw new NotFoundError(`no job ${id}`);
  return rec;
}

/** The record with its idempotency key as the client sent it (without the ingest's scope). */
function asSent<R extends { idempotencyKey?: string } | undefined>(rec: R): R {
  const key = rec?.idempotencyKey;
  const sent = key === undefined ? key : clientIdempotencyKey(key);
  return sent === key ? rec : { ...rec, idempotencyKey: sent };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
