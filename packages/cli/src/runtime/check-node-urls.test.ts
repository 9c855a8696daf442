import { defineConfig } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { createRuntime } from './create-runtime';

const config = defineConfig({ tasks: [] });
const REDIS_URL = 'redis://127.0.0.1:6379';
const start = (env: NodeJS.ProcessEnv) => createRuntime(config, { REDIS_URL, ...env });

describe('broker node URLs are checked before connecting', () => {
  it('refuses a RABBITMQ_URL entry without a scheme beside a good one, without echoing it', async () => {
    const err = await start({
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672,ops:h56pw@rabbit2:5672',
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('RABBITMQ_URL: entry 2 of 2 is not an amqp:// or amqps:// URL');
  });

  it.each(['#', '/', '?'])('names the fix for a password holding an unencoded %s, masked', async (c) => {
    const err = await start({ RABBITMQ_URL: `amqp://guest:h56${c}pw@127.0.0.1:5672` }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /^RABBITMQ_URL: amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672 is not a valid URL: percent-encode .*# as %23/,
    );
    expect((err as Error).message).not.toContain('h56');
  });

  it("names a config region's brokers (WARREN_REGIONS too) by their path", async () => {
    const regions = JSON.stringify([
      { id: 'local', location: { lat: 0, lon: 0 }, brokers: ['amqp://u:a#b@h'] },
    ]);
    const { applyEnv } = await import('./load-config');
    const withRegions = applyEnv(config, { WARREN_REGIONS: regions });
    await expect(createRuntime(withRegions, { REDIS_URL })).rejects.toThrow(
      /^regions\.local\.brokers: amqp:\/\/u:\*\*\*@h is not a valid URL/,
    );
  });
});
