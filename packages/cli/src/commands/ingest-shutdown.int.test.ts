import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freezableProxy } from '../testing/freezable-proxy';

const ROOT = resolve(import.meta.dirname, '../../../..');
let proxy: Awaited<ReturnType<typeof freezableProxy>> | undefined;
afterAll(() => proxy?.close());

describe('warren ingest shutdown', () => {
  it('exits 1 with a message when the broker stops answering, within --shutdown-timeout', async () => {
    proxy = await freezableProxy(5672);
    const child = spawn(
      process.execPath,
      ['packages/cli/bin/warren.js', 'ingest', '--port', '18792', '--shutdown-timeout', '1500'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-cli.config.ts'),
          WARREN_API_KEYS: 'fx-cli-key-0123456789abcdef',
          RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}`,
          REDIS_URL: 'redis://127.0.0.1:6379',
        },
      },
    );
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    await new Promise<void>((ready, fail) => {
      const on = (b: Buffer) => {
        out += b;
        if (out.includes('/dashboard#key')) ready(); // its last start-up line
      };
      child.stdout.on('data', on);
      child.stderr.on('data', on);
      child.once('exit', () => fail(new Error(out)));
    });
    try {
      proxy.freeze();
      const t0 = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(out).toMatch(/shutdown did not finish within 1500 ms/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
