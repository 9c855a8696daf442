import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { createDirectClient } from '@warren/sdk/direct';
import { expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The in-memory adapters: one key sent concurrently through the ingest (single and batch) and
 * the direct client: one message, one id; a cancelled job's key replays it; a second cancel is 409.
 */
const config = defineConfig({
  queues: { q: {} },
  tasks: [defineTask({ name: 'm.echo', queue: 'q', input: z.unknown(), handler: (x) => x })],
});

it('concurrent same-key enqueues over the memory store: one message, one id', async () => {
  const broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const publishers = new Map([['local', broker]]);
  const producer = createProducer({ config, publishers, results });
  const app = createIngestApp({ config, producer, results });
  const direct = createDirectClient({ config, publishers, results });
  const post = (path: string, body: unknown, key: string) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  const ids = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => {
      if (i % 3 === 0) return (await direct.enqueue('m.echo', 1, { idempotencyKey: 'k' })).id;
      if (i % 3 === 1) {
        const r = await post('/v1/jobs', { task: 'm.echo', input: 1 }, 'k');
        return r.status === 409 ? undefined : ((await r.json()) as { id: string }).id;
      }
      const r = await post(
        '/v1/jobs/batch',
        { jobs: [{ task: 'm.echo', input: 1, idempotencyKey: 'k' }] },
        'b',
      );
      const item = ((await r.json()) as { results: { status: number; id?: string; job?: { id: string } }[] })
        .results[0]!;
      return item.status === 409 ? undefined : (item.id ?? item.job?.id);
    }),
  );
  expect(new Set(ids.filter(Boolean)).size, JSON.stringify(ids)).toBe(1);
  expect(broker.depth('q')).toBe(1);
  const id = ids.find(Boolean)!;
  const del = await app.request(`/v1/jobs/${id}`, { method: 'DELETE' });
  expect(del.status).toBe(200);
  expect((await app.request(`/v1/jobs/${id}`, { method: 'DELETE' })).status).toBe(409);
  const wait = await app.request(`/v1/jobs/${id}?wait=5s`);
  expect(((await wait.json()) as { state: string }).state).toBe('cancelled');
  const again = await post('/v1/jobs', { task: 'm.echo', input: 1 }, 'k');
  expect(again.status).toBe(200);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(((await again.json()) as { id: string; state: string }).state).toBe('cancelled');
  const other = await post('/v1/jobs', { task: 'm.echo', input: 2 }, 'k');
  expect(other.status).toBe(422);
  await broker.close();
});
