import { randomInt } from 'node:crypto';
import {
  JOB_STATES,
  type JobRecord,
  type JobState,
  MemoryResultStore,
  type ResultStore,
  type TransitionOutcome,
  type TransitionPatch,
  uuidv7,
} from '@warren/core';
import { sleep } from '@warren/core/testing';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisResultStore } from '../tcp/create-redis-result-store';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const prefix = `warren-test-mirror-${FILE_ID}-${Date.now().toString(36)}:`;

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

/** The record in the outcome is compared whole (JSON-shaped, times normalized) unless left out. */
function normalizeOutcome(o: TransitionOutcome, withRecord: boolean, prevStartedAt: string | undefined) {
  if (o.ok) {
    const record = withRecord ? normalize(JSON.parse(JSON.stringify(o.record)), prevStartedAt) : undefined;
    return { ok: true, from: o.from, record };
  }
  return { ok: false, reason: o.reason, state: o.state, leaseRemaining: o.leaseRemainingMs !== undefined };
}

// JSON values (a stored record is JSON), unicode text included.
const valueArb = fc.oneof(
  fc.constant(null),
  fc.constant('5'),
  fc.constant(5),
  fc.jsonValue(),
  fc.string({ unit: 'grapheme' }),
);

const patchArb: fc.Arbitrary<TransitionPatch> = fc.record(
  {
    // Creation fields: used only by the move that creates the record.
    task: fc.constantFrom('demo.add', 'é✓'),
    queue: fc.constantFrom('q1', ''),
    input: valueArb,
    maxAttempts: fc.integer({ min: 0, max: 5 }),
    region: fc.constant('r1'),
    idempotencyKey: fc.constant('k'),
    // '' is no owner, in applyTransition as in the script.
    owner: fc.constantFrom('a', 'b', ''),
    // -1: a lease that has already lapsed; 0: one lapsing now; 60 s: one held for the whole run.
    leaseMs: fc.constantFrom(-1, 0, 60_000),
    attempts: fc.integer({ min: 0, max: 3 }),
    result: valueArb,
    error: fc.constant({ type: 'E', message: 'boom', retryable: true }),
    progress: valueArb,
    // A renewal of the owner's own run (progress), never a start.
    renew: fc.boolean(),
    // The retry copy of attempt nextAttempt - 1 confirmed: a mark, not a move.
    nextAttempt: fc.integer({ min: 1, max: 3 }),
    // An end without a run (an expiry): refused only by another owner's live lease.
    unlessLeased: fc.boolean(),
    // A start sent without creation fields: refused `missing` when there is no record.
    ifExists: fc.boolean(),
    returnRecord: fc.boolean(),
  },
  { requiredKeys: [] },
);

// `create` (the producer's first write) is a transition from no record, run by its own script.
// `mark`: the move is to `retrying`, then the executor's retry mark as it sends it (the attempt
// after the record's): the marks drawn in the patch are nearly all refused.
const opArb = fc.record({
  to: fc.constantFrom(...JOB_STATES),
  patch: patchArb,
  create: fc.boolean(),
  mark: fc.constantFrom(false, false, true),
});

describe('the Lua transition mirrors applyTransition', () => {
  const memory = new MemoryResultStore();
  const redis = createRedisResultStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
  afterAll(() => redis.close());

  it('gives the same outcome and record as the in-memory store for any sequence of moves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        const id = uuidv7();
        let prevMem: string | undefined;
        let prevRedis: string | undefined;
        const step = async (to: JobState, patch: TransitionPatch, create = false) => {
          const full = { ...patch, ttlS: 60 };
          const asCreate = create && (to === 'queued' || to === 'scheduled');
          const run = (s: ResultStore) => (asCreate ? s.create(id, to, full) : s.transition(id, to, full));
          const [m, r] = [await run(memory), await run(redis)];
          const withRecord = !asCreate && patch.returnRecord !== false; // memory returns it anyway
          expect(normalizeOutcome(r, withRecord, prevRedis)).toEqual(
            normalizeOutcome(m, withRecord, prevMem),
          );
          const [gm, gr] = [await memory.get(id), await redis.get(id)];
          expect(normalize(gr, prevRedis)).toEqual(normalize(gm, prevMem));
          prevMem = gm?.startedAt;
          prevRedis = gr?.startedAt;
          await sleep(2); // so a fresh startedAt always differs from the previous one on both clocks
        };
        for (const { to, patch, create, mark } of ops) {
          await step(mark ? 'retrying' : to, patch, create);
          if (!mark) continue;
          const nextAttempt = ((await memory.get(id))?.attempts ?? 0) + 1;
          await step('retrying', { queue: 'q1', nextAttempt, returnRecord: patch.returnRecord });
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
