import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { nosniff } from './nosniff';

describe('nosniff', () => {
  it('marks answers and not-found answers alike', async () => {
    const app = new Hono();
    app.use('*', nosniff());
    app.get('/x', (c) => c.text('x'));
    for (const path of ['/x', '/missing'])
      expect((await app.request(path)).headers.get('x-content-type-options')).toBe('nosniff');
  });
});
