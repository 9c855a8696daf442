import { ConflictError, QueueFullError, UnavailableError } from '@warren/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { problemHandler, problemNotFound } from './problem';

describe('problem handler', () => {
  const logged: unknown[] = [];
  const app = new Hono();
  app.onError(problemHandler((err) => logged.push(err)));
  app.notFound(problemNotFound);
  app.get('/full', () => {
    throw new QueueFullError('jobs');
  });
  app.get('/down', () => {
    throw new UnavailableError('no region', 3);
  });
  app.get('/busy', () => {
    throw new ConflictError('a request with idempotency key "k" is still being accepted', { retryAfterS: 1 });
  });
  app.get('/bug', () => {
    throw new Error('secret internals');
  });

  it('renders WarrenErrors with their status and Retry-After', async () => {
    const full = await app.request('/full');
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('5');
    expect(await full.json()).toMatchObject({
      status: 429,
      type: expect.stringMatching(/queue-full$/),
      instance: '/full',
    });
    const down = await app.request('/down');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('3');
    const busy = await app.request('/busy');
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toBe('1');
  });
  it('hides internals of unexpected errors behind a 500 problem, and logs them', async () => {
    const res = await app.request('/bug');
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret');
    expect(logged).toHaveLength(1);
  });
  it('answers unknown routes with a 404 problem', async () => {
    const res = await app.request('/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
