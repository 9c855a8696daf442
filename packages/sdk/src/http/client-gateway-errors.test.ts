import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './client';
import { WarrenHttpError } from './errors';

/**
 * Errors answered by a gateway in front of the ingest rather than by the ingest: API Gateway's own
 * JSON (`{"message": "Forbidden"}`, `{"message": "Endpoint request timed out"}`), not problem+json.
 * Served by a real node:http server as API Gateway sends them. The error's `problem` is a problem
 * or nothing (not that JSON typed as one), and its message keeps the gateway's reason.
 */
describe('HTTP client: JSON errors that are not problem+json', () => {
  let server: http.Server;
  let url = '';
  let calls = 0;
  const answers: Record<string, [number, string]> = {
    '/forbidden': [403, '{"message":"Forbidden"}'],
    '/timeout': [504, '{"message":"Endpoint request timed out"}'],
    '/array': [400, '["not", "a", "problem"]'],
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      calls++;
      req.resume();
      const [status, body] = answers[`/${req.url!.split('/')[1]}`]!;
      res
        .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': 'ForbiddenException' })
        .end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as WarrenHttpError,
    );

  it("a gateway's 403 keeps its message; problem is undefined, not {message}", async () => {
    calls = 0;
    const err = await failure(createClient({ url: `${url}/forbidden` }).enqueue('demo.add', 1));
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect(err).toMatchObject({ status: 403, problem: undefined, message: 'HTTP 403: Forbidden' });
    expect(calls).toBe(1);
  });

  it("a gateway's 504 is retried, then fails with its message", async () => {
    calls = 0;
    const client = createClient({ url: `${url}/timeout`, retry: { attempts: 2, baseMs: 1 } });
    const err = await failure(client.get('01920000-0000-7000-8000-000000000001'));
    expect(err).toMatchObject({
      status: 504,
      problem: undefined,
      message: 'HTTP 504: Endpoint request timed out',
    });
    expect(calls).toBe(2);
  });

  it('JSON that is neither a problem nor a message: the status alone', async () => {
    const err = await failure(createClient({ url: `${url}/array` }).enqueue('demo.add', 1));
    expect(err).toMatchObject({ status: 400, problem: undefined, message: 'HTTP 400' });
  });
});
