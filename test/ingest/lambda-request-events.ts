import http from 'node:http';

/**
 * One HTTP request, as the Node server gets it over a socket and as each Lambda trigger hands it
 * to the function (shapes of the AWS docs' samples): a Function URL (payload 2.0: lower-case
 * headers, `cookies` apart, `rawQueryString`), a REST API (payload 1.0: headers as sent,
 * `multiValueHeaders`, decoded `multiValueQueryStringParameters`, a base64 body) and an ALB with
 * multi-value headers on. Headers and query are lists: a name may come twice.
 */
export interface RawRequest {
  method: string;
  path: string;
  query?: [string, string][];
  headers: [string, string][];
  body?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const queryString = (q: [string, string][] = []) =>
  q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** Sends the request over a real socket (node:http, which, unlike fetch, sends a body on GET). */
export function sendNode(base: string, r: RawRequest): Promise<Answer> {
  const qs = queryString(r.query);
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${r.path}${qs ? `?${qs}` : ''}`, { method: r.method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          headers[k] = ([] as string[]).concat(v ?? []).join(', ');
        resolve({ status: res.statusCode!, headers, body });
      });
    });
    req.on('error', reject);
    for (const [k, v] of groupHeaders(r.headers)) req.setHeader(k, v);
    if (r.body !== undefined) req.setHeader('content-length', Buffer.byteLength(r.body));
    req.end(r.body);
  });
}

/** A Lambda handler's result as an answer (multiValueHeaders joined as HTTP joins them). */
export function lambdaAnswer(res: {
  statusCode: number;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
}): Answer {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(res.multiValueHeaders ?? {})) headers[k.toLowerCase()] = v.join(', ');
  const raw = res.body ?? '';
  return {
    status: res.statusCode,
    headers,
    body: res.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
  };
}

function groupHeaders(list: [string, string][]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of list) m.set(k, [...(m.get(k) ?? []), v]);
  return m;
}

const HOST = 'abcdefghijklmnop.lambda-url.eu-west-1.on.aws';

/** A Lambda Function URL event (payload 2.0). */
export function functionUrlEvent(r: RawRequest) {
  const headers: Record<string, string> = { host: HOST, 'x-forwarded-proto': 'https' };
  const cookies: string[] = [];
  for (const [k, v] of groupHeaders(r.headers)) {
    if (k.toLowerCase() === 'cookie') cookies.push(...v.flatMap((c) => c.split(/;\s*/)));
    else headers[k.toLowerCase()] = v.join(',');
  }
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: r.path,
    rawQueryString: queryString(r.query),
    ...(cookies.length ? { cookies } : {}),
    headers,
    queryStringParameters: r.query?.length
      ? Object.fromEntries([...groupHeaders(r.query)].map(([k, v]) => [k, v.join(',')]))
      : undefined,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnop',
      domainName: HOST,
      domainPrefix: 'abcdefghijklmnop',
      http: { method: r.method, path: r.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'x' },
      requestId: 'r-1',
      routeKey: '$default',
      stage: '$default',
      time: '06/Dec/2026:10:00:00 +0000',
      timeEpoch: 1796551200000,
    },
    // Function URLs base64-encode a body they do not take for text.
    body: r.body === undefined ? undefined : Buffer.from(r.body).toString('base64'),
    isBase64Encoded: r.body !== undefined,
  };
}

/** A REST API event (payload 1.0) on the custom domain `api.example.com` (no stage in the path). */
export function restApiEvent(r: RawRequest) {
  const multi = groupHeaders([['Host', 'api.example.com'], ['X-Forwarded-Proto', 'https'], ...r.headers]);
  const query = r.query?.length ? groupHeaders(r.query) : undefined;
  return {
    resource: '/{proxy+}',
    path: r.path,
    httpMethod: r.method,
    headers: Object.fromEntries([...multi].map(([k, v]) => [k, v.at(-1)!])),
    multiValueHeaders: Object.fromEntries(multi),
    queryStringParameters: query ? Object.fromEntries([...query].map(([k, v]) => [k, v.at(-1)!])) : null,
    multiValueQueryStringParameters: query ? Object.fromEntries(query) : null,
    pathParameters: { proxy: r.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      httpMethod: r.method,
      path: r.path,
      protocol: 'HTTP/1.1',
      requestId: 'r-1',
      requestTimeEpoch: 1796551200000,
      resourceId: 'abc123',
      resourcePath: '/{proxy+}',
      stage: 'prod',
      identity: { sourceIp: '203.0.113.7' },
    },
    body: r.body === undefined ? null : Buffer.from(r.body).toString('base64'),
    isBase64Encoded: r.body !== undefined,
  };
}

/** An ALB event with multi-value headers on (header names lower-case, the query as sent). */
export function albEvent(r: RawRequest) {
  const multi = groupHeaders([
    ['host', 'alb-123.eu-west-1.elb.amazonaws.com'],
    ['x-forwarded-proto', 'https'],
    ...r.headers.map(([k, v]): [string, string] => [k.toLowerCase(), v]),
  ]);
  const query = r.query?.length
    ? groupHeaders(r.query.map(([k, v]): [string, string] => [encodeURIComponent(k), encodeURIComponent(v)]))
    : undefined;
  return {
    requestContext: {
      elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/w/1' },
    },
    httpMethod: r.method,
    path: r.path,
    multiValueQueryStringParameters: query ? Object.fromEntries(query) : {},
    multiValueHeaders: Object.fromEntries(multi),
    body: r.body === undefined ? '' : Buffer.from(r.body).toString('base64'),
    isBase64Encoded: r.body !== undefined,
  };
}
