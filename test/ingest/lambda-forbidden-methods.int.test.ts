import { describe, expect, it } from 'vitest';
import { nodeAndLambdaIngest } from './node-and-lambda-ingest';
import { drainQueue } from './support';

/**
 * A method the Fetch API refuses to build a Request with (TRACE), on the Lambda ingest
 * (Function URL, REST API, ALB events) against the Node ingest, over real RabbitMQ (:5672) and
 * Redis (:6379). hono/aws-lambda failed to build the request and answered 400 text/plain "Invalid
 * request" (logging a stack) on every path, the one answer not problem+json, where Node answers a
 * 405 with Allow on a resource, a 404 elsewhere and a 401 without a key under /v1.
 */
describe('TRACE on the Lambda ingest, as on Node (real RabbitMQ + Redis)', () => {
  const t = nodeAndLambdaIngest('lfm');

  it('the same problem (405 with Allow, 404, 401) as the Node ingest, nothing published', async () => {
    const auth: [string, string] = ['Authorization', `Bearer ${t.key}`];
    const cases: [string, string, [string, string][], number][] = [
      ['TRACE', '/v1/jobs', [auth], 405],
      ['TRACE', '/v1/jobs/01920000-0000-7000-8000-000000000000', [auth], 405],
      ['TRACE', '/healthz', [], 405],
      ['TRACE', '/nowhere', [], 404],
      ['TRACE', '/v1/jobs', [], 401],
    ];
    for (const [method, path, headers, status] of cases) {
      const all = await t.answers({ method, path, headers });
      expect(all.Node!.status, `Node ${method} ${path}`).toBe(status);
      for (const [name, a] of Object.entries(all)) {
        const what = `${name} ${method} ${path}: ${a.body}`;
        expect(a.status, what).toBe(status);
        expect(a.headers['content-type'], what).toBe('application/problem+json');
        expect(a.headers.allow, what).toBe(all.Node!.headers.allow);
        expect(JSON.parse(a.body), what).toEqual(JSON.parse(all.Node!.body));
      }
    }
    expect(await drainQueue(t.queue)).toEqual([]);
  });
});
