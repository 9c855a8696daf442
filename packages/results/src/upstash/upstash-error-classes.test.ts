import { describe, expect, it } from 'vitest';
import { toStoreError } from '../store-errors';
import { UpstashRest } from './upstash-rest';

/** A fetch answering every request with this status and body. */
const answering =
  (status: number, body: string): typeof fetch =>
  async () =>
    new Response(body, { status });

const classify = async (status: number, body: string) => {
  const c = new UpstashRest({
    url: 'https://example.upstash.io',
    token: 't',
    fetch: answering(status, body),
  });
  const err = await c.command(['GET', 'x']).catch((e: unknown) => e);
  return toStoreError(err, 'read').recoverable;
};

describe('UpstashRest errors as the store classifies them', () => {
  // A request Redis or the endpoint refused for what it is fails the same way every time.
  it.each([
    [400, '{"error":"NOPERM this user has no permissions to run the \'evalsha\' command"}'],
    [400, '{"error":"EXECABORT Transaction discarded because of previous errors."}'],
    [403, '{"error":"Forbidden"}'],
    [413, '<html>Request Entity Too Large</html>'],
    [404, 'not found'],
  ])('HTTP %i %s: not recoverable', async (status, body) => {
    expect(await classify(status, body)).toBe(false);
  });

  // Not now, but maybe soon: rate limits, timeouts, proxies and 5xx.
  it.each([
    [429, '{"error":"ERR max requests limit exceeded"}'],
    [408, 'request timeout'],
    [503, '{"error":"Service Unavailable: redis unreachable"}'],
    [400, '{"error":"LOADING Redis is loading the dataset in memory"}'],
  ])('HTTP %i %s: recoverable', async (status, body) => {
    expect(await classify(status, body)).toBe(true);
  });
});
