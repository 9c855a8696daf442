import { TransportError } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { storeFromEnv } from './store-from-env';

const config = { queues: {}, results: { ttlS: 60 } } as unknown as Parameters<typeof storeFromEnv>[0];

describe('storeFromEnv', () => {
  // Nothing listens on port 1: the start-up PING fails. The caller gets no store to close, so
  // the store must not be left reconnecting (and reporting errors) behind its back.
  it('a failed start-up ping closes the store and names the redacted URL', async () => {
    const errors: Error[] = [];
    const err = await storeFromEnv(
      config,
      { REDIS_URL: 'redis://user:secret@127.0.0.1:1/0' },
      { ping: true, onError: (e) => errors.push(e) },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/127\.0\.0\.1:1/);
    expect((err as Error).message).not.toMatch(/secret/);
    const seen = errors.length;
    await new Promise((r) => setTimeout(r, 1_500)); // ioredis retries every 100 ms..1 s
    expect(errors.length).toBe(seen);
  });
});
