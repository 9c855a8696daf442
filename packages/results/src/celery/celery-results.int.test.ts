import { randomUUID } from 'node:crypto';
import { MemoryResultStore } from '@warren/core';
import { eventually, resultStoreContract } from '@warren/core/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type RedisRestServer, serveRedisRest } from '../rest-server/serve';
import { UpstashRest } from '../upstash/upstash-rest';
import { upstashCeleryMeta } from './celery-meta-redis';
import { type CeleryResultsOptions, withCeleryResults } from './celery-results';
import { withCeleryResultsFor } from './celery-results-for-config';

const redis = new Redis('redis://127.0.0.1:6379/0', { lazyConnect: false });
afterAll(() => redis.quit());

const celeryQueue = `celery-${randomUUID().slice(0, 8)}`;
const make = (extra: Partial<CeleryResultsOptions> = {}) =>
  withCeleryResults(new MemoryResultStore(), {
    redis,
    isCeleryQueue: (q) => q === celeryQueue,
    expiresS: 600,
    ...extra,
  });
const created = (queue = celeryQueue) => ({
  task: 'demo.add',
  queue,
  input: { a: 2, b: 3 },
  enqueuedAt: new Date().toISOString(),
});

// The wrapper is a ResultStore like any other, every queue of it Celery-protocol here (so each
// terminal transition also writes Celery's meta, with a 10-minute expiry).
resultStoreContract('Celery results (memory store underneath, meta in real Redis)', async () =>
  make({ isCeleryQueue: () => true }),
);

describe('withCeleryResults on real Redis', () => {
  it('writes celery-task-meta-<id> with SETEX and PUBLISHes it, as Celery does', async () => {
    const store = make();
    const id = randomUUID();
    const key = `celery-task-meta-${id}`;
    const sub = new Redis('redis://127.0.0.1:6379/0');
    const heard: string[] = [];
    sub.on('message', (_ch, msg) => heard.push(msg));
    await sub.subscribe(key);
    try {
      await store.transition(id, 'queued', created());
      expect(await redis.exists(key)).toBe(0); // PENDING is never stored
      await store.transition(id, 'running', { attempts: 1, owner: 'w' });
      expect(await redis.exists(key)).toBe(0); // no track_started
      await store.transition(id, 'succeeded', { owner: 'w', result: 5 });
      const meta = JSON.parse((await redis.get(key)) ?? 'null');
      expect(meta).toMatchObject({
        status: 'SUCCESS',
        result: 5,
        traceback: null,
        children: [],
        task_id: id,
      });
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
      await eventually(() => heard.length === 1, 5000);
      expect(JSON.parse(heard[0] as string).status).toBe('SUCCESS');
    } finally {
      sub.disconnect();
      await redis.del(key);
    }
  });

  it('writes RETRY, STARTED (track_started) and FAILURE with the exception encoded', async () => {
    const store = make({ trackStarted: true });
    const id = randomUUID();
    const key = `celery-task-meta-${id}`;
    const read = async () => JSON.parse((await redis.get(key)) ?? 'null');
    await store.transition(id, 'running', { ...created(), attempts: 1, owner: 'w' });
    expect((await read()).status).toBe('STARTED');
    const error = { type: 'TypeError', message: 'b is not a number', retryable: true };
    await store.transition(id, 'retrying', { owner: 'w', error });
    expect(await read()).toMatchObject({
      status: 'RETRY',
      result: { exc_type: 'TypeError', exc_message: ['b is not a number'], exc_module: 'builtins' },
      date_done: null,
    });
    await store.transition(id, 'running', { attempts: 2, owner: 'w2' });
    await store.transition(id, 'failed', { owner: 'w2', error: { ...error, retryable: false } });
    expect((await read()).status).toBe('FAILURE');
    await redis.del(key);
  });

  it('leaves non-celery queues alone and never overwrites a stored SUCCESS', async () => {
    const store = make();
    const other = randomUUID();
    await store.transition(other, 'running', { ...created('default'), attempts: 1, owner: 'w' });
    await store.transition(other, 'succeeded', { owner: 'w', result: 1 });
    expect(await redis.exists(`celery-task-meta-${other}`)).toBe(0);

    const id = randomUUID();
    const key = `celery-task-meta-${id}`;
    await redis.set(key, JSON.stringify({ status: 'SUCCESS', result: 'python won', task_id: id }), 'EX', 60);
    await store.transition(id, 'running', { ...created(), attempts: 1, owner: 'w' });
    await store.transition(id, 'failed', {
      owner: 'w',
      error: { type: 'Error', message: 'x', retryable: false },
    });
    expect(JSON.parse((await redis.get(key)) ?? '{}').result).toBe('python won');
    await redis.del(key);
  });

  it("leaves a warren-queue job's transitions as asked: no record read back, no meta", async () => {
    const inner = new MemoryResultStore();
    const asked: (boolean | undefined)[] = [];
    const transition = inner.transition.bind(inner);
    inner.transition = (id, to, patch) => {
      asked.push(patch?.returnRecord);
      return transition(id, to, patch);
    };
    const store = withCeleryResults(inner, { redis, isCeleryQueue: (q) => q === celeryQueue });
    const id = randomUUID();
    const onWarren = { ...created('warren-q'), returnRecord: false };
    await store.transition(id, 'running', { ...onWarren, attempts: 1, owner: 'w' });
    await store.transition(id, 'succeeded', { ...onWarren, owner: 'w', result: 1 });
    // A Celery job's writes still read the record back (the meta is written from it).
    const cid = randomUUID();
    await store.transition(cid, 'running', { ...created(), returnRecord: false, attempts: 1, owner: 'w' });
    await store.transition(cid, 'succeeded', { ...created(), returnRecord: false, owner: 'w', result: 2 });
    expect(asked).toEqual([false, false, true, true]);
    expect(await redis.exists(`celery-task-meta-${id}`)).toBe(0);
    expect(await redis.exists(`celery-task-meta-${cid}`)).toBe(1);
    await redis.del(`celery-task-meta-${cid}`);
  });

  it('repairs a meta write lost between the warren write and the Celery write', async () => {
    const inner = new MemoryResultStore();
    const store = withCeleryResults(inner, { redis, isCeleryQueue: (q) => q === celeryQueue });
    const id = randomUUID();
    await inner.transition(id, 'running', { ...created(), attempts: 1, owner: 'w' });
    await inner.transition(id, 'succeeded', { owner: 'w', result: 9 }); // "crash" before the meta
    const out = await store.transition(id, 'running', { attempts: 2, owner: 'w2' }); // redelivery
    expect(out).toMatchObject({ ok: false, reason: 'already-finished' });
    expect(JSON.parse((await redis.get(`celery-task-meta-${id}`)) ?? '{}')).toMatchObject({
      status: 'SUCCESS',
      result: 9,
    });
    await redis.del(`celery-task-meta-${id}`);
  });

  it('get merges what a Python worker stored into a queued warren record; waitFor sees it', async () => {
    const store = make();
    const id = randomUUID();
    const key = `celery-task-meta-${id}`;
    await store.transition(id, 'queued', created());
    expect((await store.get(id))?.state).toBe('queued');
    // Exactly what Celery 5.2 writes for `return 42` (see fixtures/metas.json).
    const python = `{"status": "SUCCESS", "result": 42, "traceback": null, "children": [], "date_done": "2026-11-26T10:34:51.692515", "task_id": "${id}"}`;
    const waiting = store.waitFor(id, 5000);
    await redis.set(key, python, 'EX', 60);
    expect(await waiting).toMatchObject({
      id,
      state: 'succeeded',
      result: 42,
      finishedAt: '2026-11-26T10:34:51.692Z',
    });
    await redis.del(key);
  });
});

describe('withCeleryResultsFor', () => {
  it('returns the store unchanged without celery queues, decorated with them', async () => {
    const inner = new MemoryResultStore();
    expect(withCeleryResultsFor({ queues: { default: { protocol: 'warren' } } }, inner, redis)).toBe(inner);
    const store = withCeleryResultsFor({ queues: { [celeryQueue]: { protocol: 'celery' } } }, inner, redis);
    const id = randomUUID();
    await store.transition(id, 'running', { ...created(), attempts: 1, owner: 'w' });
    await store.transition(id, 'succeeded', { owner: 'w', result: 1 });
    expect(await redis.get(`celery-task-meta-${id}`)).toContain('"SUCCESS"');
    await redis.del(`celery-task-meta-${id}`);
  });
});

describe('withCeleryResults over Upstash REST (the local endpoint in front of the same Redis)', () => {
  it('writes and merges Celery metas through the Upstash REST client', async () => {
    let rest: RedisRestServer | undefined;
    for (let port = 28520 + (process.pid % 40); !rest && port < 28600; port++) {
      rest = await serveRedisRest({
        port,
        redisUrl: 'redis://127.0.0.1:6379/0',
        token: 'celery-test-token',
      }).catch(() => undefined);
    }
    if (!rest) throw new Error('no free port in 28520-28599');
    try {
      const upstash = new UpstashRest({ url: rest.url, token: 'celery-test-token', retry: false });
      const store = make({ redis: upstashCeleryMeta(upstash) });
      const id = randomUUID();
      const key = `celery-task-meta-${id}`;
      await store.transition(id, 'running', { ...created(), attempts: 1, owner: 'w' });
      await store.transition(id, 'succeeded', { owner: 'w', result: { n: 5 } });
      expect(JSON.parse((await redis.get(key)) ?? '{}')).toMatchObject({
        status: 'SUCCESS',
        result: { n: 5 },
      });
      expect(await redis.ttl(key)).toBeGreaterThan(590);
      expect(await store.celeryMeta(id)).toMatchObject({ status: 'SUCCESS', task_id: id });

      const queued = randomUUID();
      await store.transition(queued, 'queued', created());
      await redis.set(
        `celery-task-meta-${queued}`,
        JSON.stringify({
          status: 'FAILURE',
          result: { exc_type: 'KeyError', exc_message: ['a'], exc_module: 'builtins' },
          traceback: 'tb',
          children: [],
          date_done: '2026-01-01T00:00:00.000001',
          task_id: queued,
        }),
        'EX',
        60,
      );
      expect(await store.get(queued)).toMatchObject({
        state: 'failed',
        error: { type: 'KeyError', message: 'a' },
      });
      await redis.del(key, `celery-task-meta-${queued}`);
    } finally {
      await rest.close();
    }
  });
});
