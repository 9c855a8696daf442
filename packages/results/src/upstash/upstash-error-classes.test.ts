import { ReplyError } from 'ioredis';
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

/**
 * Upstash's plan limits, as its troubleshooting pages quote them, in the 400 `{error}` body it
 * answers every Redis error with (over TCP: a plain ERR reply). Like OOM they refuse every
 * request alike and pass (the next day or month, fewer connections, freed records), so they say
 * nothing about the job: read as refusals, a result write that met one failed a job that had
 * succeeded (ResultNotStored, dead-lettered) whenever the failed write that followed got through.
 */
const PLAN_LIMITS = [
  'ERR max daily request limit exceeded. Limit: 10000, Usage: 10000. See https://upstash.com/docs/redis/troubleshooting/max_daily_request_limit for details',
  'ERR max requests limit exceeded. Limit: 500000, Usage: 500000. See https://upstash.com/docs/redis/troubleshooting/max_requests_limit for details',
  'ERR max concurrent connections exceeded',
  'ERR DB capacity quota exceeded',
];
/** Limits on the request itself: the same write is refused again. */
const REQUEST_LIMITS = [
  'ERR max request size exceeded',
  'ERR max single record size exceeded',
  'ERR max key size exceeded',
];

describe("Upstash's limits as the store classifies them", () => {
  it.each(PLAN_LIMITS)('%s: recoverable over REST and TCP', async (message) => {
    expect(await classify(400, JSON.stringify({ error: message }))).toBe(true);
    expect(toStoreError(new ReplyError(message), 'write').recoverable).toBe(true);
  });

  it.each(REQUEST_LIMITS)('%s: not recoverable over REST and TCP', async (message) => {
    expect(await classify(400, JSON.stringify({ error: message }))).toBe(false);
    expect(toStoreError(new ReplyError(message), 'write').recoverable).toBe(false);
  });
});
