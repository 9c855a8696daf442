import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

/** API Gateway events as AWS hands them to the Lambda ingest, authorised with `KEY` (see setEventKey). */
let KEY = '';
/** The Bearer key the events below carry. */
export function setEventKey(key: string): void {
  KEY = key;
}
export const API = 'a1b2c3d4e5';
export const DOMAIN = `${API}.execute-api.eu-west-1.amazonaws.com`;

/** HTTP API, payload 2.0, the generated endpoint, stage `stage` (`$default`: no path segment). */
export function httpApiEvent(
  stage: string,
  method: string,
  path: string,
  body?: unknown,
): APIGatewayProxyEventV2 {
  const rawPath = stage === '$default' ? path : `/${stage}${path}`;
  return {
    version: '2.0',
    routeKey: 'ANY /{proxy+}',
    rawPath,
    rawQueryString: '',
    headers: {
      host: DOMAIN,
      authorization: `Bearer ${KEY}`,
      'x-forwarded-proto': 'https',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    pathParameters: { proxy: path.slice(1) },
    requestContext: {
      accountId: '123456789012',
      apiId: API,
      domainName: DOMAIN,
      domainPrefix: API,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8' },
      requestId: 'r-1',
      routeKey: 'ANY /{proxy+}',
      stage,
      time: '06/Dec/2026:02:00:00 +0000',
      timeEpoch: 1796522400000,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/**
 * Payload 1.0: a REST API (no `version`; `path` without the stage, `requestContext.path` with it)
 * or an HTTP API set to payload 1.0 (`version: '1.0'`; the stage in both paths).
 */
export function v1Event(
  kind: 'rest' | 'http',
  stage: string,
  method: string,
  path: string,
  body?: unknown,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {
    Host: DOMAIN,
    Authorization: `Bearer ${KEY}`,
    'X-Forwarded-Proto': 'https',
    ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
  };
  const event = {
    ...(kind === 'http' ? { version: '1.0' } : {}),
    resource: '/{proxy+}',
    path: kind === 'http' ? `/${stage}${path}` : path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: API,
      domainName: DOMAIN,
      domainPrefix: API,
      httpMethod: method,
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: 'r-1',
      requestTimeEpoch: 1796522400000,
      resourceId: 'abc123',
      resourcePath: '/{proxy+}',
      stage,
      identity: { sourceIp: '203.0.113.7' },
    },
    body: body === undefined ? null : Buffer.from(JSON.stringify(body)).toString('base64'),
    isBase64Encoded: body !== undefined,
  };
  return event as unknown as APIGatewayProxyEvent;
}
