import { randomBytes } from 'node:crypto';
import { redactUrl } from '@warren/core';
import { serveRedisRest } from '@warren/results';
import { onShutdown } from '../runtime/shutdown';

export interface RedisRestCommandOptions {
  port: number;
  /** Listen address (`--host`, else HOST; default 127.0.0.1). */
  host?: string;
  token?: string;
}

/**
 * `warren redis-rest`: a local Upstash-REST-compatible endpoint over REDIS_URL, so code written
 * for @upstash/redis (the REST result store, Lambda/edge code) runs against a local Redis.
 */
export async function redisRest(opts: RedisRestCommandOptions): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const given = opts.token
    ? '--token'
    : process.env.UPSTASH_REDIS_REST_TOKEN
      ? 'UPSTASH_REDIS_REST_TOKEN'
      : undefined;
  const token = opts.token || process.env.UPSTASH_REDIS_REST_TOKEN || randomBytes(18).toString('base64url');
  const srv = await serveRedisRest({
    port: opts.port,
    redisUrl,
    token,
    hostname: opts.host ?? process.env.HOST ?? '127.0.0.1',
    onError: (err) => console.error(`redis: ${err.message}`),
  });
  console.log(`warren redis-rest — Upstash REST on ${srv.url} over ${redactUrl(redisUrl)}`);
  console.log(`  UPSTASH_REDIS_REST_URL=${srv.url}`);
  // A token the caller set is a secret (as in warren dev): not echoed. A random one must be, to be used.
  console.log(given ? `  token: the one from ${given}` : `  UPSTASH_REDIS_REST_TOKEN=${token}`);
  onShutdown(() => srv.close());
}
