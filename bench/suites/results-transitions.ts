import { uuidv7 } from '@warren/core';
import {
  createRedisResultStore,
  createUpstashResultStore,
  type RedisRestServer,
  type RedisResultStore,
  serveRedisRest,
} from '@warren/results';
import { Redis } from 'ioredis';
import type { BenchContext, BenchSuite } from '../lib/types';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REST_PORT = 26330; // the results helper's port range is 26300-26399
const TOKEN = 'bench-token';
const CONCURRENCY = 32;
const TTL_S = 120; // bench keys clean themselves up

let rest: RedisRestServer | undefined;

/** Jobs per run: each one is 3 transitions (queued → running → succeeded). */
const jobsPerRun = (ctx: BenchContext) => (ctx.quick ? 400 : 1500);

/** Runs `perJob` for `n` jobs with CONCURRENCY in flight; returns transitions per second. */
async function drive(n: number, perJob: (id: string) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next++;
        await perJob(uuidv7());
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return (n * 3) / s;
}

async function lifecycle(store: RedisResultStore, ctx: BenchContext): Promise<number> {
  const must = (ok: boolean) => {
    if (!ok) throw new Error('transition refused');
  };
  try {
    return await drive(jobsPerRun(ctx), async (id) => {
      const creation = { task: 'bench.noop', queue: 'default', input: { i: 1 }, ttlS: TTL_S };
      must((await store.transition(id, 'queued', creation)).ok);
      must((await store.transition(id, 'running', { owner: 'w', attempts: 1, ttlS: TTL_S })).ok);
      must((await store.transition(id, 'succeeded', { owner: 'w', result: { ok: true }, ttlS: TTL_S })).ok);
    });
  } finally {
    await store.close();
  }
}

const prefix = () => `warren-bench-${Date.now().toString(36)}:`;

/**
 * Job-state transitions per second into Redis: warren's Lua transition (legal-move check, lease,
 * terminal guard, TTL, publish on terminal) over TCP (ioredis) and over Upstash REST (@upstash/redis
 * through the local endpoint, so HTTP + JSON + base64 on top), against the floor of plain
 * ioredis HSET + EXPIRE pipelines with no checks at all. Goals: TCP ≥ 0.5× the floor; REST
 * ≥ 0.25× (it pays HTTP + JSON + base64 and a second hop through the endpoint, which runs in this
 * same Node process here). Measured on the shared, loaded 2-core box: TCP 0.74-0.84×, REST 0.29-0.49×.
 */
const suite: BenchSuite = {
  id: 'results-transitions',
  title: 'Result-store transitions/s (queued→running→succeeded, 32 jobs in flight)',
  // One metric per transport so each has its own goal against the same raw-HSET floor.
  metrics: [
    { key: 'tcpPerS', label: 'transitions/s, TCP store', unit: 'tr/s', better: 'higher', goal: 0.5 },
    { key: 'restPerS', label: 'transitions/s, REST store', unit: 'tr/s', better: 'higher', goal: 0.25 },
  ],
  setup: async () => {
    rest = await serveRedisRest({ port: REST_PORT, redisUrl: REDIS_URL, token: TOKEN });
  },
  teardown: async () => {
    await rest?.close();
    rest = undefined;
  },
  sides: [
    {
      name: 'warren Lua transition over TCP (ioredis)',
      role: 'warren',
      durability: 'Redis default (no fsync per write)',
      run: async (ctx) => ({
        tcpPerS: await lifecycle(createRedisResultStore({ redis: REDIS_URL, prefix: prefix() }), ctx),
      }),
    },
    {
      name: 'warren Lua transition over Upstash REST (local endpoint)',
      role: 'warren',
      durability: 'Redis default (no fsync per write)',
      run: async (ctx) => ({
        restPerS: await lifecycle(
          createUpstashResultStore({ url: rest!.url, token: TOKEN, prefix: prefix(), retry: false }),
          ctx,
        ),
      }),
    },
    {
      name: 'raw ioredis HSET+EXPIRE pipeline (no checks)',
      role: 'baseline',
      durability: 'Redis default (no fsync per write)',
      run: async (ctx) => {
        const redis = new Redis(REDIS_URL);
        const p = prefix();
        const write = async (id: string, fields: Record<string, string>) => {
          await redis.pipeline().hset(`${p}job:${id}`, fields).expire(`${p}job:${id}`, TTL_S).exec();
        };
        try {
          const perS = await drive(jobsPerRun(ctx), async (id) => {
            const now = () => new Date().toISOString();
            await write(id, {
              state: 'queued',
              task: 'bench.noop',
              queue: 'default',
              input: '{"i":1}',
              enqueuedAt: now(),
            });
            await write(id, { state: 'running', attempts: '1', owner: 'w', startedAt: now() });
            await write(id, { state: 'succeeded', result: '{"ok":true}', finishedAt: now() });
          });
          // One measurement, the floor for both transports.
          return { tcpPerS: perS, restPerS: perS };
        } finally {
          await redis.quit();
        }
      },
    },
  ],
};

export default suite;
