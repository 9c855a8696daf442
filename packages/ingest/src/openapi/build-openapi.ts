import {
  enqueueBatchRequestSchema,
  enqueueBatchResponseSchema,
  enqueueResponseSchema,
  jobRecordSchema,
  MAX_BATCH,
  problemSchema,
  type WarrenConfig,
} from '@warren/core';
import { MAX_WAIT_MS } from '../routes/wait-for-job';
import { enqueueRequestJsonSchema } from './enqueue-request-schema';
import { schema } from './json-schema';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const json = (description: string, ref: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
/** A response with the headers it carries (the ones clients act on). */
const withHeaders = <R extends object>(r: R, headers: Record<string, string>) => ({
  ...r,
  headers: Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [
      name,
      { description, schema: name === 'Retry-After' ? { type: 'integer', minimum: 0 } : { type: 'string' } },
    ]),
  ),
});
const retryAfter = { 'Retry-After': 'Seconds to wait before sending the request again' };
const location = { Location: "The job's URL (links.self)" };
const jobId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const unauthorized = withHeaders(problem('Missing or invalid API key'), {
  'WWW-Authenticate': 'Bearer realm="warren"',
});
const forbidden = problem("The job's task is outside the key's task patterns");
/** A read or cancel whose result store did not answer (a Redis outage): try again later. */
const storeDown = withHeaders(problem('The result store did not answer'), retryAfter);
/** Routes that need no API key: the document's top-level `security` must not apply to them. */
const open = (summary: string, responses: Record<string, unknown>, type = 'application/json') => ({
  get: {
    summary,
    security: [],
    responses: Object.fromEntries(
      Object.entries(responses).map(([code, description]) => [
        code,
        { description, content: { [type]: {} } },
      ]),
    ),
  },
});

/** The batch body from its zod schema (1 to MAX_BATCH jobs, no other field), items as EnqueueRequest. */
function batchRequestSchema() {
  const s = schema(enqueueBatchRequestSchema, 'input') as unknown as {
    properties: { jobs: Record<string, unknown> };
  };
  s.properties.jobs.items = { $ref: '#/components/schemas/EnqueueRequest' };
  return s;
}

/**
 * `/metrics` and `/status.json`, where the process mounts them (observability's `extend`): with API
 * keys configured they take one without a task limit (a scoped key is a 403), else they are open.
 */
function statusPaths(keyed: boolean) {
  const op = (summary: string, type: string, description: string) => ({
    get: {
      summary,
      ...(keyed ? {} : { security: [] }),
      responses: {
        200: { description, content: { [type]: {} } },
        ...(keyed
          ? {
              400: problem('More than one Authorization header'),
              401: unauthorized,
              403: problem('The key is limited to some tasks: these routes show every task'),
            }
          : {}),
      },
    },
  });
  return {
    '/metrics': op('Prometheus metrics', 'text/plain', 'Prometheus text exposition format 0.0.4'),
    '/status.json': op(
      'Status snapshot (regions, queues, rates, scaling advice, recent failures): what /dashboard and warren status show',
      'application/json',
      'The snapshot (never cached)',
    ),
  };
}

export interface OpenApiOptions {
  serverUrl?: string;
  /** The app serves `/metrics` and `/status.json` (mounted through `extend`), and so `/dashboard`. */
  statusRoutes?: boolean;
}

/**
 * OpenAPI 3.1 for the ingest, generated from the same zod schemas that validate requests, so the
 * document cannot drift from the code. Task names (and their input schemas) come from the config.
 */
export function buildOpenApi(config: WarrenConfig, opts: OpenApiOptions = {}) {
  const { serverUrl } = opts;
  // Each with an $id of its own: zod writes a schema used twice under `$defs` (`$ref:
  // '#/$defs/X'`) and a recursive one as `$ref: '#'`, refs to the schema's own root, which inside
  // the document resolved against the document (an invalid document; a tree's children described
  // as OpenAPI documents). An $id makes the schema its refs' base.
  const taskInputs: Record<string, Record<string, unknown>> = Object.fromEntries(
    [...config.tasks.values()].map((t) => [
      t.name,
      { $id: `https://warren.dev/tasks/${encodeURIComponent(t.name)}/input`, ...schema(t.input, 'input') },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'warren ingest',
      version: '1',
      description: 'Enqueue jobs (answered only after the broker confirmed them) and read their results.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: config.auth.keys.length ? [{ bearer: [] }] : [],
    paths: {
      '/v1/jobs': {
        post: {
          summary: 'Enqueue a job',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              description:
                'The idempotencyKey field, as a header (the same rules, one header of printable ASCII without commas; both at once must agree)',
              schema: { type: 'string', minLength: 1, maxLength: 256, pattern: PRINTABLE_ASCII },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/EnqueueRequest' } } },
          },
          responses: {
            202: withHeaders(json('Accepted: the broker confirmed the job', 'EnqueueResponse'), location),
            200: withHeaders(json('Replayed: this idempotency key was used before', 'EnqueueResponse'), {
              ...location,
              'Idempotent-Replayed': 'true',
            }),
            400: problem('Invalid body, or more than one Authorization header'),
            401: unauthorized,
            403: problem('The key may not use this task'),
            409: withHeaders(problem('The same idempotency key is being accepted right now'), retryAfter),
            413: problem('Body too large'),
            415: problem('Not JSON'),
            422: problem(
              'Unknown task, unknown queue, input failing the task schema, or an idempotency key used before for another request',
            ),
            429: withHeaders(problem('Queue full'), retryAfter),
            503: withHeaders(
              problem(
                'No region could confirm the publish, or the result store did not answer an idempotency key',
              ),
              retryAfter,
            ),
          },
        },
      },
      '/v1/jobs/batch': {
        post: {
          summary: `Enqueue up to ${MAX_BATCH} jobs in one burst`,
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              description:
                'Keys each item without an idempotencyKey as <key>#<index> (at most 250 characters, one header of printable ASCII without commas)',
              schema: { type: 'string', minLength: 1, maxLength: 250, pattern: PRINTABLE_ASCII },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/EnqueueBatchRequest' } } },
          },
          responses: {
            202: json('All accepted', 'EnqueueBatchResponse'),
            207: withHeaders(
              json(
                'Per-item results in request order, some failed: a failed item has its status and a problem ' +
                  'naming its fields as jobs.<index>.<field> (Retry-After when some were refused for now)',
                'EnqueueBatchResponse',
              ),
              retryAfter,
            ),
            400: problem(
              `Not a batch of 1 to ${MAX_BATCH} jobs, not JSON, or more than one Authorization header`,
            ),
            401: unauthorized,
            413: problem('Body over 16 x the body limit (an item over the limit is a 413 item)'),
            415: problem('Not JSON'),
          },
        },
      },
      '/v1/jobs/{id}': {
        get: {
          summary: 'Read a job (long-poll with ?wait=10s until it finishes)',
          parameters: [
            jobId,
            {
              name: 'wait',
              in: 'query',
              description: `Long-poll until the job finishes, at most this long: 10s, 1500ms, 2m; a bare number is seconds (capped at ${MAX_WAIT_MS / 1000} s; on Lambda also by the invocation's time left, 29 s behind API Gateway); then the record as it is`,
              schema: {
                type: 'string',
                pattern: '^\\d+(\\.\\d+)?(ms|s|m)?$',
                examples: ['10s', '1500ms', '2m'],
              },
            },
          ],
          responses: {
            200: json('The job record (as it is when the wait runs out)', 'JobRecord'),
            400: problem('Invalid wait, or more than one Authorization header'),
            401: unauthorized,
            403: forbidden,
            404: problem('No such job'),
            503: storeDown,
          },
        },
        delete: {
          summary: 'Cancel a job that has not finished',
          parameters: [jobId],
          responses: {
            200: json('Cancelled', 'JobRecord'),
            400: problem('More than one Authorization header'),
            401: unauthorized,
            403: forbidden,
            404: problem('No such job'),
            409: problem('Already finished'),
            503: storeDown,
          },
        },
      },
      '/healthz': open('Process liveness', { 200: 'alive' }),
      '/readyz': open('Brokers and result store reachable', {
        200: 'ready: each check with its latency',
        503: 'not ready: the failing checks with their errors',
      }),
      '/openapi.json': open('This document', { 200: 'OpenAPI 3.1' }),
      '/docs': open('API reference page', { 200: 'HTML' }, 'text/html'),
      ...(opts.statusRoutes
        ? {
            '/dashboard': open('Live dashboard (polls /status.json)', { 200: 'HTML' }, 'text/html'),
            ...statusPaths(config.auth.keys.length > 0),
          }
        : {}),
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        EnqueueRequest: enqueueRequestJsonSchema(),
        EnqueueBatchRequest: batchRequestSchema(),
        EnqueueResponse: schema(enqueueResponseSchema),
        EnqueueBatchResponse: schema(enqueueBatchResponseSchema),
        JobRecord: schema(jobRecordSchema),
        Problem: schema(problemSchema),
      },
    },
    'x-warren-tasks': taskInputs,
  };
}

/** An Idempotency-Key header's characters (routes/idempotency-header.ts). */
const PRINTABLE_ASCII = '^[\\x20-\\x2b\\x2d-\\x7e]*$';
