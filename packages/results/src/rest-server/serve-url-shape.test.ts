import { ConfigError } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { serveRedisRest } from './serve';

describe('serveRedisRest (warren redis-rest, warren dev) and a REDIS_URL ioredis would misread', () => {
  // As storeFromEnv's: an https:// URL was taken as a socket path whose reconnect errors, printed
  // by warren on every retry, carried the password.
  it('refuses it before connecting, the password in no message', async () => {
    const said: string[] = [];
    const err = await serveRedisRest({
      port: 0,
      redisUrl: 'https://user:pa55word@127.0.0.1:1',
      token: 'a-token-of-twenty-chars',
      onError: (e) => said.push(e.message),
    }).then(
      (srv) => srv.close(),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(said.join('\n')).not.toMatch(/pa55word/);
  });
});
