import { defineConfig } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { createRuntime } from './create-runtime';

describe('createRuntime', () => {
  const config = defineConfig({ tasks: [] });

  it('refuses to start without a broker and a result store, naming the variables', async () => {
    await expect(createRuntime(config, {}, { command: 'warren ingest' })).rejects.toThrow(
      /warren ingest: .*RABBITMQ_URL.*REDIS_URL.*--embedded/s,
    );
  });

  it('refuses a broker without a result store (the job would be accepted but never recorded)', async () => {
    await expect(
      createRuntime(config, { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' }, { command: 'warren worker' }),
    ).rejects.toThrow(/warren worker: no result store .*REDIS_URL/);
  });

  it('uses the in-memory broker and store only when asked to (--embedded, warren dev)', async () => {
    const rt = await createRuntime(config, {}, { embedded: true });
    expect(rt.describe.join(' ')).toMatch(/in-memory/);
    await rt.close();
  });
});
