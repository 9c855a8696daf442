import { defineConfig } from '@warren/core';
import { afterAll, describe, expect, it } from 'vitest';
import { freezableProxy } from '../testing/freezable-proxy';
import { createRuntime } from './create-runtime';

const proxies: Awaited<ReturnType<typeof freezableProxy>>[] = [];
afterAll(async () => {
  for (const p of proxies) await p.close();
});

describe('runtime close', () => {
  it('gives up on a broker that stopped answering after closeTimeoutMs, and still closes the store', async () => {
    const proxy = await freezableProxy(5672);
    proxies.push(proxy);
    const config = defineConfig({ tasks: [] });
    const rt = await createRuntime(
      config,
      { RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}`, REDIS_URL: 'redis://127.0.0.1:6379' },
      { closeTimeoutMs: 500 },
    );
    proxy.freeze();
    const t0 = Date.now();
    await rt.close();
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
