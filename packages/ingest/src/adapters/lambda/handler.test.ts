import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ALL, testIngest } from '../../testing-helpers';
import { serveNode } from '../node/serve';
import { createLambdaIngest } from './handler';

/** A Function URL event as AWS sends it (payload format 2.0), see the Lambda developer guide. */
function functionUrlEvent(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = path.split('?');
  const domain = 'abcdefghij.lambda-url.eu-west-1.on.aws';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: rawPath!,
    rawQueryString,
    headers: {
      host: domain,
      'x-forwarded-proto': 'https',
      'user-agent': 'curl/8.5.0',
      authorization: `Bearer ${KEY_ALL}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(rawQueryString
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) }
      : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghij',
      domainName: domain,
      domainPrefix: 'abcdefghij',
      http: {
        method,
        path: rawPath!,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'curl/8.5.0',
      },
      requestId: '7c1e5a0e-7d1f-4a5e-9a53-0d1f9c2c1f11',
      routeKey: '$default',
      stage: '$default',
      time: '24/Nov/2026:22:00:00 +0000',
      timeEpoch: 1795557600000,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** An API Gateway HTTP API (v2) event: same payload format, a named stage and route. */
function httpApiEvent(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  const e = functionUrlEvent(method, path, body, headers);
  return {
    ...e,
    routeKey: `${method} /{proxy+}`,
    headers: { ...e.headers, host: 'api.example.com' },
    requestContext: {
      ...e.requestContext,
      domainName: 'api.example.com',
      stage: '$default',
      routeKey: `${method} /{proxy+}`,
    },
    pathParameters: { proxy: path.slice(1) },
  };
}

const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

describe('Lambda adapter (hono/aws-lambda) answers like the Node server', () => {
  // Both adapters wrap apps built by the same factory over the same producer and store.
  const { app, config, results, producer } = testIngest({ config: { auth: { keys: [{ key: KEY_ALL }] } } });
  const handler = createLambdaIngest({ config, producer, results }) as unknown as (
    e: APIGatewayProxyEventV2,
    c: Context,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
  let base: string;
  let close: () => void;
  beforeAll(async () => {
    const server = await serveNode(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  const cases: Array<[string, string, unknown?, Record<string, string>?]> = [
    ['POST', '/v1/jobs', { task: 'demo.add', input: { a: 1, b: 2 } }],
    ['POST', '/v1/jobs', { task: 'demo.add', input: { a: 'x' } }],
    ['POST', '/v1/jobs', { task: 'nope' }],
    ['POST', '/v1/jobs', { task: 'demo.add' }, { authorization: 'Bearer wrong' }],
    ['GET', '/v1/jobs/01920000-0000-7000-8000-000000000000'],
    ['GET', '/healthz'],
  ];

  for (const makeEvent of [functionUrlEvent, httpApiEvent]) {
    it(`${makeEvent.name}: same status, content type and body shape`, async () => {
      for (const [method, path, body, headers] of cases) {
        const lambda = await handler(makeEvent(method, path, body, headers as never), ctx);
        const node = await fetch(base + path, {
          method,
          headers: {
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            authorization: `Bearer ${KEY_ALL}`,
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(lambda.statusCode, `${method} ${path}`).toBe(node.status);
        expect(lambda.headers?.['content-type']).toBe(node.headers.get('content-type'));
        const lb = JSON.parse(lambda.body!);
        const nb = await node.json();
        expect(Object.keys(lb).sort()).toEqual(Object.keys(nb).sort());
      }
    });
  }

  it('builds job links from the Function URL host', async () => {
    const res = await handler(functionUrlEvent('POST', '/v1/jobs', { task: 'demo.echo', input: 1 }), ctx);
    const job = JSON.parse(res.body!);
    expect(job.links.self).toBe(`https://abcdefghij.lambda-url.eu-west-1.on.aws/v1/jobs/${job.id}`);
    expect(await results.get(job.id)).toMatchObject({ state: 'queued' });
  });

  it('refuses to start without API keys', () => {
    const open = testIngest();
    expect(() =>
      createLambdaIngest({ config: open.config, producer: open.producer, results: open.results }),
    ).toThrow(/refusing to start/);
  });
});
