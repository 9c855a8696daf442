import { describe, expect, it } from 'vitest';
import { KEY_ALL, testIngest } from '../testing-helpers';

type Op = { security?: unknown[]; responses: Record<string, unknown> };

describe('GET /openapi.json', () => {
  const { app } = testIngest({ config: { auth: { keys: [{ key: KEY_ALL }] } } });
  const docOf = async () =>
    (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, Op>> };

  it('describes every route the app serves, under its own path and method', async () => {
    const doc = await docOf();
    const served = app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('lists the auth answers of every /v1 operation and marks the open routes open', async () => {
    const doc = await docOf();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (path.startsWith('/v1/')) {
          // A batch answers a task outside the key per item (207), not with a 403 for all.
          // A second Authorization header is a 400 on every one of them.
          const auth = path === '/v1/jobs/batch' ? ['400', '401'] : ['400', '401', '403'];
          expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(auth));
        } else {
          expect(op.security, `${method} ${path} needs no key`).toEqual([]);
        }
      }
    }
    const batch = doc.paths['/v1/jobs/batch']!.post!;
    expect(Object.keys(batch.responses)).toEqual(expect.arrayContaining(['413', '415']));
    expect(Object.keys(doc.paths['/v1/jobs/{id}']!.get!.responses)).toContain('400'); // a bad ?wait
  });

  it('states the batch body limits the server enforces (1 to 1,000 jobs, no other field)', async () => {
    type Schema = { $ref?: string; additionalProperties?: boolean; properties: { jobs: object } };
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: Schema }> } }>>;
      components: { schemas: Record<string, Schema> };
    };
    let body = doc.paths['/v1/jobs/batch']!.post!.requestBody.content['application/json']!.schema;
    if (body.$ref) body = doc.components.schemas[body.$ref.split('/').pop()!]!;
    expect(body.properties.jobs).toMatchObject({
      minItems: 1,
      maxItems: 1000,
      items: { $ref: '#/components/schemas/EnqueueRequest' },
    });
    expect(body.additionalProperties).toBe(false);
    const post = (b: unknown) =>
      app.request('/v1/jobs/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_ALL}` },
        body: JSON.stringify(b),
      });
    // What the document now rules out is what the server refuses.
    expect((await post({ jobs: [] })).status).toBe(400);
    expect((await post({ jobs: [{ task: 'demo.echo' }], extra: 1 })).status).toBe(400);
  });

  it('documents the headers clients act on: Retry-After, Location, Idempotent-Replayed, WWW-Authenticate', async () => {
    type Res = { headers?: Record<string, unknown> };
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, Res> }>>;
    };
    const headersOf = (path: string, method: string, code: string) =>
      Object.keys(doc.paths[path]![method]!.responses[code]?.headers ?? {});
    for (const code of ['409', '429', '503'])
      expect(headersOf('/v1/jobs', 'post', code)).toContain('Retry-After');
    expect(headersOf('/v1/jobs/batch', 'post', '207')).toContain('Retry-After');
    const mixed = doc.paths['/v1/jobs/batch']!.post!.responses['207'] as { description: string };
    expect(mixed.description).toMatch(/jobs\.<index>\.<field>/);
    expect(headersOf('/v1/jobs', 'post', '202')).toContain('Location');
    expect(headersOf('/v1/jobs', 'post', '200')).toEqual(
      expect.arrayContaining(['Location', 'Idempotent-Replayed']),
    );
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        if (op.responses['401'])
          expect(headersOf(path, method, '401'), `${method} ${path}`).toContain('WWW-Authenticate');
  });

  it('describes every EnqueueRequest field (what a caller cannot tell from its type)', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      components: { schemas: { EnqueueRequest: { properties: Record<string, { description?: string }> } } };
    };
    const props = doc.components.schemas.EnqueueRequest.properties;
    expect(Object.keys(props).filter((k) => !props[k]!.description)).toEqual([]);
    expect(props.expiresInMs!.description).toMatch(/after delayMs or runAt/);
  });

  it('rules out delayMs with runAt in EnqueueRequest, as the server does (400)', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, { not?: unknown }> };
    };
    expect(doc.components.schemas.EnqueueRequest!.not).toEqual({ required: ['delayMs', 'runAt'] });
  });

  it('says how long ?wait= may wait and in what form, as parseWait reads it', async () => {
    type Param = { name: string; description?: string; schema: { pattern: string } };
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { parameters: Param[] }>>;
    };
    const wait = doc.paths['/v1/jobs/{id}']!.get!.parameters.find((p) => p.name === 'wait')!;
    expect(wait.description).toMatch(/capped at 30 s/);
    const re = new RegExp(wait.schema.pattern);
    for (const ok of ['10s', '1500ms', '2m', '1.5s', '7']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['soon', '-1s', '10h', '']) expect(re.test(bad), bad).toBe(false);
  });
});

describe('the Idempotency-Key header in /openapi.json', () => {
  const { app } = testIngest({ config: { auth: { keys: [{ key: KEY_ALL }] } } });
  type Param = { name: string; in: string; schema: { minLength?: number; maxLength?: number } };
  const headerOf = async (path: string) => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { post: { parameters: Param[] } }>;
    };
    return doc.paths[path]!.post.parameters.find((p) => p.name === 'Idempotency-Key')!.schema;
  };
  const post = (path: string, key: string) =>
    app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${KEY_ALL}`,
        'idempotency-key': key,
      },
      body: JSON.stringify(
        path.endsWith('batch')
          ? { jobs: [{ task: 'demo.add', input: { a: 1, b: 2 } }] }
          : { task: 'demo.add', input: { a: 1, b: 2 } },
      ),
    });

  it('states the lengths the server takes: a key outside them is a 400, one inside is accepted', async () => {
    for (const path of ['/v1/jobs', '/v1/jobs/batch']) {
      const { minLength, maxLength } = await headerOf(path);
      expect([minLength, maxLength], path).toEqual([1, path.endsWith('batch') ? 250 : 256]);
      expect((await post(path, '')).status, `${path} empty`).toBe(400);
      expect((await post(path, 'k'.repeat(maxLength! + 1))).status, `${path} too long`).toBe(400);
      expect((await post(path, `${path}-${'k'.repeat(maxLength! - path.length - 1)}`)).status).toBe(202);
    }
  });
});
