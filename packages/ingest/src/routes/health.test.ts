import { MemoryResultStore } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { healthRoutes } from './health';

const up = async () => 'node';
const down = async () => Promise.reject(new Error('no RabbitMQ node connected'));

async function readyz(checks: Record<string, () => Promise<unknown>>, results = new MemoryResultStore()) {
  const res = await healthRoutes({ results, checks }).request('/readyz');
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; checks: Record<string, { ok: boolean }> },
  };
}

describe('/readyz', () => {
  it('is ready while one region broker of several answers, listing the one down', async () => {
    const r = await readyz({ 'broker:eu': up, 'broker:us': down });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.checks['broker:us']).toMatchObject({ ok: false });
  });

  it('is not ready when no region broker answers, or its only one does not', async () => {
    expect((await readyz({ 'broker:eu': down, 'broker:us': down })).status).toBe(503);
    expect((await readyz({ 'broker:eu': down })).status).toBe(503);
  });

  it('is not ready when the result store or another check fails, whatever the brokers', async () => {
    const store = new MemoryResultStore();
    store.get = () => Promise.reject(new Error('store down'));
    expect((await readyz({ 'broker:eu': up }, store)).status).toBe(503);
    expect((await readyz({ 'broker:eu': up, sqs: down })).status).toBe(503);
  });
});
