/** A Lambda Function URL request (API Gateway payload v2.0), as the ingest function receives it. */
export function functionUrlEvent(
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'x.lambda-url.eu-west-1.on.aws',
      'content-type': 'application/json',
      ...opts.headers,
    },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 't' },
      domainName: 'x.lambda-url.eu-west-1.on.aws',
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      accountId: 'a',
      apiId: 'x',
      domainPrefix: 'x',
      time: '',
      timeEpoch: 0,
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    isBase64Encoded: false,
  };
}

/** SST's form of a linked secret in the function's environment (`SST_RESOURCE_<name>`). */
export const sstSecret = (value: string) => JSON.stringify({ type: 'sst.sst.Secret', value });
