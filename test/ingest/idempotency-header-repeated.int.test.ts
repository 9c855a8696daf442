import { describe, expect, it } from 'vitest';
import type { RawRequest } from './lambda-request-events';
import { nodeAndLambdaIngest } from './node-and-lambda-ingest';
import { drainQueue } from './support';

/**
 * The Idempotency-Key header sent twice, on the Node ingest and the Lambda ingest (Function URL,
 * REST API, ALB) over real RabbitMQ (:5672) and Redis (:6379). Each server joined the two into one
 * key the caller never sent, and not the same one: Node "k1, k2", a Function URL "k1,k2", an ALB
 * "k1; k2" (hono/aws-lambda). The request was taken as keyed, and the same retry through two
 * adapters enqueued the job twice. Like a doubled Authorization, it is a 400 naming the header;
 * as a Function URL's join cannot be told from one value with a comma, the header's key has no
 * commas (the body's idempotencyKey takes any characters).
 */
describe('a repeated Idempotency-Key header on real RabbitMQ + Redis (Node and Lambda ingest)', () => {
  const t = nodeAndLambdaIngest('ihr');
  const post = (key: string, body: object, path = '/v1/jobs'): RawRequest => ({
    method: 'POST',
    path,
    headers: [
      ['Authorization', `Bearer ${t.key}`],
      ['Content-Type', 'application/json'],
      ['Idempotency-Key', key],
    ],
    body: JSON.stringify(body),
  });

  it('400 naming Idempotency-Key for the header twice (same or other values) on every adapter; nothing published', async () => {
    const both = (a: string, b: string, path = '/v1/jobs', body: object = { task: t.task, input: 1 }) => ({
      ...post(a, body, path),
      headers: [...post(a, body, path).headers, ['Idempotency-Key', b] as [string, string]],
    });
    for (const r of [
      both(`${t.run}-k1`, `${t.run}-k2`),
      both(`${t.run}-k3`, `${t.run}-k3`),
      both(`${t.run}-k4`, `${t.run}-k5`, '/v1/jobs/batch', { jobs: [{ task: t.task, input: 1 }] }),
      post(`${t.run}-a,b`, { task: t.task, input: 1 }),
    ]) {
      const all = await t.answers(r);
      for (const [name, a] of Object.entries(all)) {
        expect(a.status, `${name} ${JSON.stringify(r.headers)}: ${a.body}`).toBe(400);
        expect(JSON.parse(a.body), name).toEqual(JSON.parse(all.Node!.body));
        expect(JSON.parse(a.body).errors, name).toEqual([
          { path: 'Idempotency-Key', message: expect.stringMatching(/comma/) },
        ]);
      }
    }
    expect(await drainQueue(t.queue)).toEqual([]);
  });

  it('one header (semicolons and spaces allowed) or a body key with a comma: one job, replayed everywhere', async () => {
    for (const r of [
      post(`${t.run} a; b`, { task: t.task, input: 1 }),
      {
        ...post('x', { task: t.task, input: 1, idempotencyKey: `${t.run}-a,b` }),
        headers: post('x', {}).headers.slice(0, 2),
      },
    ]) {
      const all = await t.answers(r);
      expect(all.Node!.status, all.Node!.body).toBe(202);
      const { id } = JSON.parse(all.Node!.body) as { id: string };
      for (const [name, a] of Object.entries(all).slice(1)) {
        expect(a.status, `${name}: ${a.body}`).toBe(200);
        expect(JSON.parse(a.body).id, name).toBe(id);
      }
    }
    expect(await drainQueue(t.queue)).toHaveLength(2);
  });
});
