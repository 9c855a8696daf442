import { storeFromEnv } from '@warren/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

/**
 * A Redis that may evict keys under memory pressure (a maxmemory with an allkeys-* or volatile-*
 * policy; every job record has a TTL, so volatile-* takes them too) drops job records and
 * idempotency keys without a word: a queued job then reads 404, a reused key enqueues a second
 * job. Warned of at start, as BullMQ does (it asks for noeviction). Private redis-servers.
 */
const config = { queues: {}, results: { ttlS: 60 } } as unknown as Parameters<typeof storeFromEnv>[0];
let evicting: PrivateRedis;
let keeping: PrivateRedis;

beforeAll(async () => {
  evicting = await startPrivateRedis('eviction warning', {
    args: ['--maxmemory', '100mb', '--maxmemory-policy', 'volatile-lru'],
  });
  keeping = await startPrivateRedis('no eviction', {
    args: ['--maxmemory', '100mb', '--maxmemory-policy', 'noeviction'],
  });
});
afterAll(async () => {
  await evicting?.stop();
  await keeping?.stop();
});

async function warningsFor(url: string): Promise<string[]> {
  const warnings: string[] = [];
  const store = await storeFromEnv(
    config,
    { REDIS_URL: url },
    { ping: true, onWarning: (w) => warnings.push(w) },
  );
  await store?.close();
  return warnings;
}

describe('storeFromEnv: an evicting Redis is warned of at start', () => {
  it('names the policy and what to set', async () => {
    const warnings = await warningsFor(evicting.url);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/volatile-lru/);
    expect(warnings[0]).toMatch(/noeviction/);
  });

  it('says nothing for noeviction', async () => {
    expect(await warningsFor(keeping.url)).toEqual([]);
  });
});
