import { describe, expect, it } from 'vitest';
import { nodeAndLambdaIngest } from './node-and-lambda-ingest';
import { drainQueue } from './support';

/**
 * A body whose Content-Type names a charset other than UTF-8, on the Node ingest and the Lambda
 * ingest (Function URL, REST API, ALB) over real RabbitMQ (:5672) and Redis (:6379). The body was
 * decoded as UTF-8 whatever the caller declared: `{"input":"Ã©"}` sent as ISO-8859-1 (bytes
 * C3 83 C2 A9 read as UTF-8) was enqueued as "é", another string than the caller's. JSON is
 * UTF-8 (RFC 8259 8.1): a declared non-UTF-8 charset is a 415 naming it, nothing published.
 */
describe('a declared charset on real RabbitMQ + Redis (Node and Lambda ingest)', () => {
  const t = nodeAndLambdaIngest('dcs');
  const post = (type: string, path = '/v1/jobs', body = JSON.stringify({ task: t.task, input: 'Ã©' })) => ({
    method: 'POST',
    path,
    headers: [
      ['Authorization', `Bearer ${t.key}`],
      ['Content-Type', type],
    ] as [string, string][],
    body,
  });

  it('415 naming the charset for a body declared in another one (single and batch); nothing published', async () => {
    const batch = JSON.stringify({ jobs: [{ task: t.task, input: 'Ã©' }] });
    for (const r of [
      post('application/json; charset=iso-8859-1'),
      post('application/json;charset="windows-1252"'),
      post('application/json; charset=UTF-16'),
      post('application/json; charset=latin1', '/v1/jobs/batch', batch),
    ]) {
      for (const [name, a] of Object.entries(await t.answers(r))) {
        expect(a.status, `${name} ${r.headers[1]![1]}: ${a.body}`).toBe(415);
        expect(a.headers['content-type'], name).toBe('application/problem+json');
        expect(JSON.parse(a.body).detail, name).toMatch(/charset/);
      }
    }
    expect(await drainQueue(t.queue)).toEqual([]);
  });

  it('UTF-8 however spelled, or no charset, is taken as sent', async () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset="UTF-8"',
      'application/json;charset=utf8',
      'application/vnd.api+json; Charset=Utf-8',
    ]) {
      for (const [name, a] of Object.entries(await t.answers(post(type)))) {
        expect(a.status, `${name} ${type}: ${a.body}`).toBe(202);
        const { id } = JSON.parse(a.body) as { id: string };
        expect(await t.results().get(id), name).toMatchObject({ input: 'Ã©' });
      }
    }
    expect(await drainQueue(t.queue)).toHaveLength(20);
  });
});
