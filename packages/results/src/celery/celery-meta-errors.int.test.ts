import { randomUUID } from 'node:crypto';
import { MemoryResultStore, TransportError } from '@warren/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_REDIS_OPTIONS } from '../tcp/create-redis-result-store';
import { withCeleryResults } from './celery-results';

// Celery's result backend on a Redis of its own that is down (nothing listens on port 1).
const down = new Redis('redis://127.0.0.1:1', { ...STORE_REDIS_OPTIONS, lazyConnect: true });
down.on('error', () => {});
afterAll(() => down.disconnect());

const store = withCeleryResults(new MemoryResultStore(), { redis: down, isCeleryQueue: () => true });
const created = { task: 'py.mul', queue: 'celery', input: { args: [6, 7] } };

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('withCeleryResults when the Celery meta Redis fails', () => {
  it('get rejects with a recoverable TransportError (a 503 at the ingest, not a 500)', async () => {
    const id = randomUUID();
    await store.transition(id, 'queued', created);
    const err = await failure(store.get(id));
    expect(err.recoverable).toBe(true);
    expect(err.status).toBe(503);
  });

  it('a transition whose meta write fails rejects with a recoverable TransportError', async () => {
    const id = randomUUID();
    await store.transition(id, 'running', { ...created, owner: 'w', attempts: 1 });
    const err = await failure(store.transition(id, 'succeeded', { owner: 'w', result: 42 }));
    expect(err.recoverable).toBe(true);
  });
});
