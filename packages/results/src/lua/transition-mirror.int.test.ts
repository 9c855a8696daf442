import {
  JOB_STATES,
  type JobRecord,
  MemoryResultStore,
  type TransitionOutcome,
  type TransitionPatch,
  uuidv7,
} from '@warren/core';
import { sleep } from '@warren/core/testing';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisResultStore } from '../tcp/create-redis-result-store';

const prefix = `warren-test-mirror-${process.pid}-${Date.now().toString(36)}:`;

/** Times differ between the two clocks; what must agree is which ones are set and when they move. */
function normalize(rec: JobRecord | undefined, prevStartedAt: string | undefined) {
  if (!rec) return undefined;
  const { enqueuedAt, startedAt, finishedAt, ...rest } = rec;
  return {
    ...rest,
    enqueuedAt: !!enqueuedAt,
    startedAt: startedAt === undefined ? 'unset' : startedAt === prevStartedAt ? 'kept' : 'new',
    finishedAt: !!finishedAt,
  };
}

function normalizeOutcome(o: TransitionOutcome) {
  if (o.ok) return { ok: true, from: o.from, state: o.record?.state };
  return { ok: false, reason: o.reason, state: o.state, leaseRemaining: o.leaseRemainingMs !== undefined };
}

const patchArb: fc.Arbitrary<TransitionPatch> = fc.record(
  {
    owner: fc.constantFrom('a', 'b'),
    // -1: a lease that has already lapsed; 60 s: one that is held for the whole run.
    leaseMs: fc.constantFrom(-1, 60_000),
    attempts: fc.integer({ min: 1, max: 3 }),
    result: fc.oneof(
      fc.constant(null),
      fc.constant('5'),
      fc.constant(5),
      fc.json().map((j) => JSON.parse(j)),
    ),
    error: fc.constant({ type: 'E', message: 'boom', retryable: true }),
    progress: fc.record({ pct: fc.integer({ min: 0, max: 100 }) }),
  },
  { requiredKeys: [] },
);

const opArb = fc.record({ to: fc.constantFrom(...JOB_STATES), patch: patchArb });

describe('the Lua transition mirrors applyTransition', () => {
  const memory = new MemoryResultStore();
  const redis = createRedisResultStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
  afterAll(() => redis.close());

  it('gives the same outcome and record as the in-memory store for any sequence of moves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        const id = uuidv7();
        const creation = {
          task: 'demo.add',
          queue: 'q1',
          input: { a: 1 },
          maxAttempts: 3,
          region: 'r1',
          ttlS: 60,
        };
        let prevMem: string | undefined;
        let prevRedis: string | undefined;
        for (const { to, patch } of ops) {
          const full = { ...creation, ...patch };
          const [m, r] = [await memory.transition(id, to, full), await redis.transition(id, to, full)];
          expect(normalizeOutcome(r)).toEqual(normalizeOutcome(m));
          const [gm, gr] = [await memory.get(id), await redis.get(id)];
          expect(normalize(gr, prevRedis)).toEqual(normalize(gm, prevMem));
          prevMem = gm?.startedAt;
          prevRedis = gr?.startedAt;
          await sleep(2); // so a fresh startedAt always differs from the previous one on both clocks
        }
      }),
      { numRuns: 100 },
    );
  });
});

// Leave nothing behind in the shared Redis.
afterAll(async () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});
