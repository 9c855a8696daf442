import type { AddressInfo } from 'node:net';
import { defineConfig, uuidv7 } from '@warren/core';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { REDIS_URL } from '../ingest/support';
import { startTcpProxy } from '../support/tcp-proxy';
import { sample } from './prom-text';

// warren_result_store_seconds timed every store call, failed or not, and nothing counted the
// failures: a Redis outage (every worker releasing its deliveries) or a store refusing writes
// showed on /metrics only as latency, at most, with nothing to alert on.
it('result store calls that fail are counted by op, outage apart from refusal', async () => {
  const run = `obs-rse-${uuidv7().slice(-8)}`;
  const redis = new Redis(REDIS_URL);
  const proxy = await startTcpProxy(6379);
  const store = createRedisResultStore({ redis: `redis://127.0.0.1:${proxy.port}`, prefix: `${run}:` });
  const obs = createObservability({
    config: defineConfig({ tasks: [] }),
    logger: createLogger({ level: 'silent' }),
  });
  const results = obs.results(store);
  const server = await serveStatus(obs, 0, '127.0.0.1');
  const scrape = async () =>
    (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
  try {
    const id = uuidv7();
    await results.create(id, 'queued', { task: 't', queue: 'q' });
    // Refused: the job key holds a string, not the record hash (WRONGTYPE, the same every time).
    const bad = uuidv7();
    await redis.set(`${run}:job:${bad}`, 'x');
    await expect(results.get(bad)).rejects.toMatchObject({ recoverable: false });
    // Unavailable: the connection to Redis is gone.
    await proxy.close();
    await expect(results.get(id)).rejects.toMatchObject({ recoverable: true });
    const text = await scrape();
    expect(sample(text, 'warren_result_store_errors_total', { op: 'get', error: 'refused' })).toBe(1);
    expect(sample(text, 'warren_result_store_errors_total', { op: 'get', error: 'unavailable' })).toBe(1);
    expect(sample(text, 'warren_result_store_errors_total', { op: 'create' })).toBeUndefined();
  } finally {
    await new Promise((r) => server.close(r));
    await store.close().catch(() => {});
    const keys = await redis.keys(`${run}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}, 30_000);
