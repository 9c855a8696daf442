import { describe, expect, it } from 'vitest';
import { KEY_ALL, testIngest } from '../../testing-helpers';

const APP = 'https://app.example.com';
const auth = { keys: [{ key: KEY_ALL }] };
const preflight = (app: ReturnType<typeof testIngest>['app'], origin: string) =>
  app.request('/v1/jobs', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });
const enqueue = (app: ReturnType<typeof testIngest>['app'], headers: Record<string, string>) =>
  app.request('/v1/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: APP, ...headers },
    body: JSON.stringify({ task: 'demo.add', input: { a: 1, b: 2 } }),
  });

describe('CORS (ingest.corsOrigins)', () => {
  it('is off unless origins are configured: no Access-Control headers', async () => {
    const { app } = testIngest({ config: { auth } });
    const res = await preflight(app, APP);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await enqueue(app, { authorization: `Bearer ${KEY_ALL}` })).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('answers a preflight without a key (no 401) and lets a listed origin enqueue and read Location', async () => {
    const { app } = testIngest({ config: { auth, ingest: { corsOrigins: [APP] } } });
    const pre = await preflight(app, APP);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(pre.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const res = await enqueue(app, { authorization: `Bearer ${KEY_ALL}` });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toContain('location');
    expect(res.headers.get('location')).toMatch(/\/v1\/jobs\//);
  });

  it('lets the browser read an error (a 401 problem) and refuses an origin not listed', async () => {
    const { app } = testIngest({ config: { auth, ingest: { corsOrigins: [APP] } } });
    const denied = await enqueue(app, {});
    expect(denied.status).toBe(401);
    expect(denied.headers.get('content-type')).toBe('application/problem+json');
    expect(denied.headers.get('access-control-allow-origin')).toBe(APP);
    const other = await preflight(app, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("'*' allows any origin", async () => {
    const { app } = testIngest({ config: { auth, ingest: { corsOrigins: ['*'] } } });
    expect((await preflight(app, 'https://any.example')).headers.get('access-control-allow-origin')).toBe(
      '*',
    );
  });
});
