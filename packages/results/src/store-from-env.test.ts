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

  // The CLI printed two lines for one refused connection: 'results redis: connect ECONNREFUSED'
  // (the reconnect error, through onError) and 'result store ping ... failed: Reached the max
  // retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option...'.
  it('a refused start-up ping is one error naming why, with nothing reported beside it', async () => {
    const errors: Error[] = [];
    const err = await storeFromEnv(
      config,
      { REDIS_URL: 'redis://127.0.0.1:1' },
      { ping: true, onError: (e) => errors.push(e) },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'result store ping of redis://127.0.0.1:1 failed: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(errors).toEqual([]);
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

  // ioredis takes the path of a URL whose scheme is not redis(s): as a Unix socket, so the
  // reconnect errors ('connect ENOENT //user:<password>@host:port', printed by warren on each
  // retry) carried the password; a redis: path that is not a number became SELECT NaN, refused
  // as an uncaught error (a stack trace) instead of a start-up failure.
  it.each([
    ['https://user:pa55word@127.0.0.1:1', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['redis:/user:pa55word@127.0.0.1:1', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['redis://:pa55word@127.0.0.1:1/abc', /REDIS_URL: the database \(its path\) must be a number/],
  ])('REDIS_URL %s is a ConfigError at once, the password in no message', async (url, why) => {
    const said: string[] = [];
    const err = await storeFromEnv(
      config,
      { REDIS_URL: url },
      { ping: true, onError: (e) => said.push(e.message) },
    )
      .then(() => undefined)
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300)); // what a store left connecting would still report
    expect(said.join('\n')).not.toMatch(/pa55word/);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(why);
    expect(inspect(err, { depth: 5 })).not.toMatch(/pa55word/);
  });

  // Upstash takes its token in the URL's query too (`?_token=`), and ioredis reads options such
  // as `?password=` from a REDIS_URL's: the start-up line (printed as is by `warren worker`,
  // `ingest` and `dev`, not through the log redaction) and the errors quoted the URL, query and all.
  describe('a URL whose query carries the secret', () => {
    const secret = 's3cr3t-in-query';
    const rest = {
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:1/?_token=${secret}`,
      UPSTASH_REDIS_REST_TOKEN: 't',
    };

    it('is not shown in the start-up line (REST and TCP)', async () => {
      const up = await storeFromEnv(config, rest);
      expect(up?.describe).toMatch(/upstash REST http:\/\/127\.0\.0\.1:1\/\?_token=/);
      expect(up?.describe).not.toMatch(secret);
      await up?.close();
      const tcp = await storeFromEnv(
        config,
        { REDIS_URL: `redis://127.0.0.1:1/0?password=${secret}` },
        { onError: () => {} },
      );
      expect(tcp?.describe).not.toMatch(secret);
      await tcp?.close();
    });

    it('is not in a failed start-up ping nor in a refused URL', async () => {
      const err = await storeFromEnv(config, rest, { ping: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect(inspect(err, { depth: 5 })).not.toMatch(secret);
      const bad = { ...rest, UPSTASH_REDIS_REST_URL: `ftp://127.0.0.1:1/?_token=${secret}` };
      const refused = await storeFromEnv(config, bad).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
      expect(inspect(refused, { depth: 5 })).not.toMatch(secret);
    });
  });

  it.each(['redis://127.0.0.1:1', 'redis://127.0.0.1:1/', 'rediss://h:1/15', '127.0.0.1:1', 'localhost:1'])(
    'takes %s (ioredis forms without a scheme too)',
    async (url) => {
      const rt = await storeFromEnv(config, { REDIS_URL: url });
      await rt?.close();
      expect(rt?.kind).toBe('tcp');
    },
  );
});
