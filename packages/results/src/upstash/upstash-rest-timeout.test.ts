import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toStoreError } from '../store-errors';
import { UpstashRest } from './upstash-rest';

describe('UpstashRest', () => {
  describe('an endpoint that accepts the request and never answers', () => {
    const server = createServer(() => {}); // holds every request open
    let url = '';
    beforeAll(async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('fails the command after timeoutMs, recoverable, without retrying it', async () => {
      const c = new UpstashRest({ url, token: 't', timeoutMs: 300, retry: { retries: 3, backoff: () => 0 } });
      const started = Date.now();
      const err = await Promise.race([
        c.command(['GET', 'x']).catch((e: unknown) => e),
        new Promise((r) => setTimeout(() => r('still waiting'), 3_000)),
      ]);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/timed out after 300 ms/);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(toStoreError(err, 'read').recoverable).toBe(true);
    });
  });
});
