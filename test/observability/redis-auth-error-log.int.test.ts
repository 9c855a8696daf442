import { captureLines, createLogger } from '@warren/observability';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

let server: PrivateRedis;
beforeAll(async () => {
  server = await startPrivateRedis('redis-auth-error-log', { args: ['--requirepass', 'the-right-one'] });
});
afterAll(async () => {
  await server?.stop();
});

// ioredis puts the command a reply refused on its ReplyError (`command: { name, args }`), and pino
// prints an error's own fields: a REDIS_URL with a wrong (or rotated) password logged that password
// in clear as command.args of the AUTH the server refused, past the URL masking and the secret names.
it('an AUTH the server refuses is logged without its password (ioredis ReplyError.command.args)', async () => {
  const cap = captureLines();
  const logger = createLogger({ stream: cap.stream });
  const redis = new Redis(`redis://:wr0ng-Passw0rd@127.0.0.1:${server.port}`, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', (err) => logger.error({ err }, 'redis error'));
  const err = await redis
    .connect()
    .then(() => redis.get('k'))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  logger.error({ err }, 'result store unavailable');
  const withUser = await redis.call('auth', 'admin', 'an0ther-Secret').catch((e: unknown) => e);
  logger.error({ err: withUser }, 'auth failed');
  redis.disconnect();
  const text = JSON.stringify(cap.lines);
  expect(text).toMatch(/WRONGPASS|invalid|NOAUTH|Connection is closed/);
  expect(text).toContain('"name":"auth"'); // the command is still named
  expect(text).not.toContain('wr0ng-Passw0rd');
  expect(text).not.toContain('an0ther-Secret');
});
