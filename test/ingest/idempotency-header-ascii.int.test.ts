import { describe, expect, it } from 'vitest';
import type { RawRequest } from './lambda-request-events';
import { nodeAndLambdaIngest } from './node-and-lambda-ingest';
import { drainQueue } from './support';

/**
 * An Idempotency-Key header with characters outside printable ASCII, on the Node ingest and the
 * Lambda ingest (Function URL, REST API, ALB) over real RabbitMQ (:5672) and Redis (:6379). Each
 * server read it as another key: Node takes the header's bytes as Latin-1 (a UTF-8 client's "é"
 * arrives as "Ã©"), hono/aws-lambda percent-encodes any value with non-ASCII characters ("zz%C3%A9").
 * So the same retry sent to both enqueued the job twice, the key the record shows was not the
 * one sent, and a header with the same key as the body was a 400 "different keys" on Lambda only.
 * Such a header is a 400 naming Idempotency-Key everywhere (the body's idempotencyKey, JSON and
 * so UTF-8, takes any characters), nothing published; printable ASCII keys are unchanged.
 */
describe('a non-ASCII Idempotency-Key header on real RabbitMQ + Redis (Node and Lambda ingest)', () => {
  const t = nodeAndLambdaIngest('ihk');
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

  it('400 naming Idempotency-Key on every adapter (alone, beside the same body key, on a batch); nothing published', async () => {
    // "é" as a Latin-1 byte, and as UTF-8's two bytes (what curl sends) read as Latin-1.
    for (const key of [`${t.run}-caf\u00e9`, `${t.run}-caf\u00c3\u00a9`]) {
      for (const r of [
        post(key, { task: t.task, input: 1 }),
        post(key, { task: t.task, input: 1, idempotencyKey: key }),
        post(key, { jobs: [{ task: t.task, input: 1 }] }, '/v1/jobs/batch'),
      ]) {
        const all = await t.answers(r);
        for (const [name, a] of Object.entries(all)) {
          expect(a.status, `${name} ${r.path} ${r.body}: ${a.body}`).toBe(400);
          expect(a.headers['content-type'], name).toBe('application/problem+json');
          expect(JSON.parse(a.body), name).toEqual(JSON.parse(all.Node!.body));
          expect(JSON.parse(a.body).errors, name).toEqual([
            { path: 'Idempotency-Key', message: expect.stringMatching(/ASCII/) },
          ]);
        }
      }
    }
    expect(await drainQueue(t.queue)).toEqual([]);
  });

  it('a printable ASCII key (spaces, symbols) is one key on every adapter: one job, replayed', async () => {
    const key = `${t.run} order 42/#!~"`;
    const all = await t.answers(post(key, { task: t.task, input: 1 }));
    expect(all.Node!.status, all.Node!.body).toBe(202);
    const { id } = JSON.parse(all.Node!.body) as { id: string };
    for (const [name, a] of Object.entries(all).slice(1)) {
      expect(a.status, `${name}: ${a.body}`).toBe(200);
      expect(JSON.parse(a.body).id, name).toBe(id);
    }
    expect(await t.results().get(id)).toMatchObject({ id });
    expect(await drainQueue(t.queue)).toHaveLength(1);
  });

  // A key over 256 characters (or empty) sent as the header was refused naming idempotencyKey, a
  // body field the caller never sent; the body's own key is still named as before.
  it('a header key over 256 characters is a 400 naming Idempotency-Key on every adapter; a body one, idempotencyKey', async () => {
    const long = `${t.run}-${'k'.repeat(300)}`;
    for (const [r, path] of [
      [post(long, { task: t.task, input: 1 }), 'Idempotency-Key'],
      [post(long, { task: t.task, input: 1, idempotencyKey: long }), 'idempotencyKey'],
    ] as const) {
      for (const [name, a] of Object.entries(await t.answers(r))) {
        expect(a.status, `${name}: ${a.body}`).toBe(400);
        expect(JSON.parse(a.body).errors, name).toEqual([{ path, message: expect.stringMatching(/256/) }]);
      }
    }
    expect(await drainQueue(t.queue)).toEqual([]);
  });
});
