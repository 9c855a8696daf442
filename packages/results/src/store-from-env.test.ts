import { inspect } from 'node:util';
import { ConfigError, TransportError } from '@warren/core';
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

  // A generated password often holds # / ? or %, which must be percent-encoded in a URL: the
  // parse error then must say which setting is wrong, and must not carry the password (Node's
  // ERR_INVALID_URL keeps the URL in its `input` field, which util.inspect and Lambda's
  // uncaught-error log print).
  it.each([
    'redis://:pa#ss@127.0.0.1:6379/0',
    'redis://u:pa/ss@127.0.0.1:6379',
    'redis://:pa%ss@127.0.0.1:6379',
  ])(
    'a REDIS_URL that does not parse (%s) is a ConfigError naming REDIS_URL, without the password',
    async (url) => {
      const err = await storeFromEnv(config, { REDIS_URL: url }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/REDIS_URL/);
      expect(inspect(err, { depth: 5 })).not.toMatch(/pa.ss/);
    },
  );
});
