import { describe, expect, it } from 'vitest';
import type { RawRequest } from './lambda-request-events';
import { nodeAndLambdaIngest } from './node-and-lambda-ingest';

/**
 * Every answer of the ingest says `X-Content-Type-Options: nosniff`, on the Node adapter and on
 * each Lambda event shape, over real RabbitMQ (:5672) and Redis (:6379). Its JSON and problem+json
 * bodies quote what the caller sent (the path as `instance`, a job id, a task name in a detail):
 * only the two HTML pages said not to sniff them, so a client that sniffs could take markup in a
 * crafted URL's 404 for a page of this origin.
 */
describe('nosniff on every ingest answer (Node and Lambda)', () => {
  const ingest = nodeAndLambdaIngest('nsn');
  const auth: [string, string] = ['Authorization', `Bearer ${ingest.key}`];
  const json: [string, string] = ['Content-Type', 'application/json'];
  const requests: Record<string, RawRequest> = {
    'a 404 quoting markup in its path': { method: 'GET', path: '/%3Cimg%20src=x%3E', headers: [] },
    'a 401': { method: 'GET', path: '/v1/jobs/x', headers: [] },
    'a 404 job': { method: 'GET', path: '/v1/jobs/%3Cb%3E', headers: [auth] },
    'a 400 naming the task': {
      method: 'POST',
      path: '/v1/jobs',
      headers: [auth, json],
      body: '{"task":"<b>x</b>","input":1}',
    },
    'a 405': { method: 'PUT', path: '/v1/jobs', headers: [auth] },
    '/openapi.json': { method: 'GET', path: '/openapi.json', headers: [] },
    '/healthz': { method: 'GET', path: '/healthz', headers: [] },
    '/readyz': { method: 'GET', path: '/readyz', headers: [] },
  };

  it.each(Object.entries(requests))('%s', async (_name, r) => {
    const answers = await ingest.answers(r);
    for (const [adapter, a] of Object.entries(answers)) {
      expect({ adapter, nosniff: a.headers['x-content-type-options'] }).toEqual({
        adapter,
        nosniff: 'nosniff',
      });
    }
  });

  it('a 202 enqueue too', async () => {
    const answers = await ingest.answers({
      method: 'POST',
      path: '/v1/jobs',
      headers: [auth, json],
      body: JSON.stringify({ task: ingest.task, input: 1 }),
    });
    for (const [adapter, a] of Object.entries(answers)) {
      expect({ adapter, status: a.status, nosniff: a.headers['x-content-type-options'] }).toEqual({
        adapter,
        status: 202,
        nosniff: 'nosniff',
      });
    }
  });
});
