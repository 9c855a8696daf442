import { randomInt } from 'node:crypto';
import { type JobRecord, type TransitionPatch, uuidv7 } from '@warren/core';
import { sleep } from '@warren/core/testing';
import {
  createRedisResultStore,
  createUpstashResultStore,
  type RedisRestServer,
  serveRedisRest,
} from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from './delete-keys';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PORT = 26303; // this helper's range is 26300-26399
const prefix = `warren-test-x-${FILE_ID}-${Date.now().toString(36)}:`;

const creation = (over: TransitionPatch = {}): TransitionPatch => ({
  task: 'demo.add',
  queue: 'default',
  input: { a: 2, b: [1, 'two', null], s: 'héllo ✓ 🐇', empty: [] },
  enqueuedAt: new Date().toISOString(),
  maxAttempts: 3,
  region: 'eu-west-1',
  ttlS: 120,
  ...over,
});

describe('one record, two transports (TCP ioredis ↔ Upstash REST)', () => {
  let server: RedisRestServer;
  let raw: Redis;
  const tcp = createRedisResultStore({ redis: REDIS_URL, prefix });
  let rest: ReturnType<typeof createUpstashResultStore>;

  beforeAll(async () => {
    server = await serveRedisRest({ port: PORT, redisUrl: REDIS_URL, token: 'x-token' });
    rest = createUpstashResultStore({ url: server.url, token: 'x-token', prefix, retry: false });
    raw = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await tcp.close();
    await rest.close();
    await server.close();
    await raw.quit();
  });

  /** Runs a whole lifecycle through `w` and checks `r` reads exactly what `w` reads. */
  async function roundTrip(w: typeof tcp | typeof rest, r: typeof tcp | typeof rest): Promise<JobRecord> {
    const id = uuidv7();
    await w.transition(
      id,
      'queued',
      creation({ idempotencyKey: `k-${id}`, notBefore: '2030-01-01T00:00:00.000Z' }),
    );
    await w.transition(id, 'running', { owner: 'w1', attempts: 1, leaseMs: 5000 });
    await w.transition(id, 'running', { owner: 'w1', progress: { pct: 50, note: 'half' } });
    const err = { type: 'Flaky', message: 'try again — ünïcode', retryable: true };
    await w.transition(id, 'retrying', { owner: 'w1', error: err });
    await w.transition(id, 'running', { owner: 'w2', attempts: 2 });
    const result = { sum: 5, s: '5', nested: { deep: [1.5, -3, 1e21, 'x'] }, nothing: null };
    // The TTL is the one the terminal transition names (the executor passes the task's).
    const done = await w.transition(id, 'succeeded', { owner: 'w2', result, ttlS: 120 });
    expect(done.ok).toBe(true);
    const viaWriter = await w.get(id);
    const viaReader = await r.get(id);
    expect(viaReader).toEqual(viaWriter);
    expect(viaReader).toMatchObject({
      state: 'succeeded',
      attempts: 2,
      result,
      error: err,
      progress: { pct: 50 },
    });
    if (done.ok) expect(done.record).toEqual(viaReader);
    return viaReader!;
  }

  it('reads a TCP-written record identically through REST', async () => {
    const rec = await roundTrip(tcp, rest);
    // The hash is plain and inspectable: what `redis-cli HGETALL` shows, with the TTL set.
    const hash = await raw.hgetall(`${prefix}job:${rec.id}`);
    expect(hash).toMatchObject({ state: 'succeeded', task: 'demo.add', attempts: '2', region: 'eu-west-1' });
    expect(JSON.parse(hash.result!)).toEqual(rec.result);
    expect(hash.owner).toBeUndefined();
    expect(hash.leaseUntil).toBeUndefined();
    const ttl = await raw.ttl(`${prefix}job:${rec.id}`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('reads a REST-written record identically through TCP', async () => {
    await roundTrip(rest, tcp);
  });

  it('lets exactly one of 50 concurrent finishers win, across both transports', async () => {
    const id = uuidv7();
    await tcp.transition(id, 'running', creation({ owner: 'w', attempts: 1 }));
    const outs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? tcp : rest).transition(id, i % 3 ? 'succeeded' : 'failed', {
          owner: 'w',
          result: i,
          error: { type: 'E', message: String(i), retryable: false },
        }),
      ),
    );
    const winners = outs.filter((o) => o.ok);
    expect(winners).toHaveLength(1);
    expect(outs.filter((o) => !o.ok && o.reason === 'already-finished')).toHaveLength(49);
    const rec = await rest.get(id);
    expect(rec!.state).toBe(winners[0]!.ok ? winners[0]!.record?.state : 'never');
  });

  it('keeps a stale lease holder from overwriting the newer owner', async () => {
    const id = uuidv7();
    await tcp.transition(id, 'running', creation({ owner: 'stale', attempts: 1, leaseMs: 200 }));
    expect(await rest.transition(id, 'running', { owner: 'fresh', attempts: 2 })).toMatchObject({
      ok: false,
      reason: 'lease-held',
    });
    await sleep(300);
    expect((await rest.transition(id, 'running', { owner: 'fresh', attempts: 2, leaseMs: 10_000 })).ok).toBe(
      true,
    );
    // The stale worker wakes up and tries every way out of `running`.
    for (const to of ['succeeded', 'failed', 'retrying', 'cancelled'] as const) {
      expect(await tcp.transition(id, to, { owner: 'stale', result: 'stale' })).toMatchObject({
        ok: false,
        reason: 'not-owner',
        state: 'running',
      });
    }
    // Nor can it renew the lease it lost.
    expect(await tcp.transition(id, 'running', { owner: 'stale' })).toMatchObject({
      ok: false,
      reason: 'lease-held',
    });
    expect((await rest.transition(id, 'succeeded', { owner: 'fresh', result: 'fresh' })).ok).toBe(true);
    expect(await tcp.get(id)).toMatchObject({ state: 'succeeded', result: 'fresh', attempts: 2 });
  });

  it('shares idempotency keys between transports', async () => {
    const key = `idem-${uuidv7()}`;
    const [a, b] = [uuidv7(), uuidv7()];
    expect(await tcp.claimIdempotencyKey(key, a, 60)).toBe(a);
    expect(await rest.claimIdempotencyKey(key, b, 60)).toBe(a);
    expect(await raw.get(`${prefix}idem:${key}`)).toBe(a);
    await rest.releaseIdempotencyKey(key, a);
    expect(await tcp.claimIdempotencyKey(key, b, 60)).toBe(b);
  });

  it('wakes a TCP waiter through pub/sub and a REST waiter by polling', async () => {
    const id = uuidv7();
    await rest.transition(id, 'running', creation({ owner: 'w', attempts: 1 }));
    // The terminal transition publishes its state on <prefix>done:<id>.
    const sub = raw.duplicate();
    const published = new Promise<[string, string]>((resolve) =>
      sub.on('message', (c, m) => resolve([c, m])),
    );
    await sub.subscribe(`${prefix}done:${id}`);
    // 4 s is below the waiter's 5 s safety re-read: only the pub/sub wake-up can make it in time.
    const tcpWait = tcp.waitFor(id, 4000);
    const restWait = rest.waitFor(id, 10_000);
    await sleep(150);
    await rest.transition(id, 'succeeded', { owner: 'w', result: 42 });
    const [t, r] = await Promise.all([tcpWait, restWait]);
    expect(t).toMatchObject({ state: 'succeeded', result: 42 });
    expect(r).toEqual(t);
    expect(await published).toEqual([`${prefix}done:${id}`, 'succeeded']);
    await sub.quit();
  });

  it('answers the current record when the wait times out', async () => {
    const id = uuidv7();
    await tcp.transition(id, 'queued', creation());
    expect(await tcp.waitFor(id, 100)).toMatchObject({ state: 'queued' });
    expect(await rest.waitFor(id, 100)).toMatchObject({ state: 'queued' });
    expect(await tcp.waitFor(uuidv7(), 50)).toBeUndefined();
  });
});

afterAll(() => deleteKeys(REDIS_URL, prefix));
