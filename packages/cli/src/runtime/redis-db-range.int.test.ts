import { defineConfig } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { resultsFromEnv } from './results-from-env';

const config = defineConfig({ tasks: [] });
const base = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');

describe('REDIS_URL naming a database the server does not have', () => {
  // Redis refused the SELECT at connect, which ioredis reports only as an 'error' event: the
  // connection stayed on database 0, the ping passed, and every record went to database 0.
  it('is refused at start-up, not written to database 0', async () => {
    await expect(resultsFromEnv(config, { REDIS_URL: `${base}/99` })).rejects.toThrow(
      /result store ping of .*\/99 failed: .*DB index is out of range/,
    );
  });

  it('takes a database the server has', async () => {
    const rt = await resultsFromEnv(config, { REDIS_URL: `${base}/1` });
    expect(rt.describe).toContain('/1');
    await rt.close();
  });
});
