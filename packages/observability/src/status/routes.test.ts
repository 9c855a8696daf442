import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { StatusSnapshot } from './collect-status';
import { mountStatusRoutes } from './routes';

const app = (keys?: string[]) => {
  const a = new Hono();
  mountStatusRoutes(a, { registry: new Registry(), status: async () => ({}) as StatusSnapshot, keys });
  return a;
};
const get = (a: Hono, path: string, auth?: string) =>
  a.request(path, { headers: auth ? { authorization: auth } : {} });

describe('status routes', () => {
  it('with keys, /metrics and /status.json answer only a bearer of one of them', async () => {
    const a = app(['key-one', 'key-two']);
    for (const path of ['/metrics', '/status.json']) {
      const none = await get(a, path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="warren"');
      expect((await get(a, path, 'Bearer key-on')).status).toBe(401);
      expect((await get(a, path, 'Bearer key-one-and-more')).status).toBe(401);
      expect((await get(a, path, 'Basic key-one')).status).toBe(401);
      expect((await get(a, path, 'Bearer key-two')).status).toBe(200);
      expect((await get(a, path, 'bearer  key-one ')).status).toBe(200);
    }
  });

  it('without keys they are open', async () => {
    expect((await get(app(), '/metrics')).status).toBe(200);
    expect((await get(app([]), '/status.json')).status).toBe(200);
  });
});
