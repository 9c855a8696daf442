import type { QueueConfig, ResultStore } from '@warren/core';
import type { Redis } from 'ioredis';
import type { CeleryMetaRedis } from './celery-meta-redis';
import { type CeleryResultsOptions, withCeleryResults } from './celery-results';

/**
 * `withCeleryResults` for a config's `protocol: 'celery'` queues, or the store unchanged when
 * there are none (so wiring it in costs nothing for warren-only configs).
 */
export function withCeleryResultsFor(
  config: { queues: Record<string, Pick<QueueConfig, 'protocol'>> },
  store: ResultStore,
  redis: Redis | CeleryMetaRedis,
  opts: Partial<Omit<CeleryResultsOptions, 'redis' | 'isCeleryQueue'>> = {},
): ResultStore {
  const celery = new Set(
    Object.entries(config.queues)
      .filter(([, q]) => q.protocol === 'celery')
      .map(([name]) => name),
  );
  if (celery.size === 0) return store;
  return withCeleryResults(store, { ...opts, redis, isCeleryQueue: (q) => celery.has(q) });
}
