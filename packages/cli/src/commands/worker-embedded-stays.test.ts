import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');

describe('warren worker --embedded', () => {
  it('keeps running after it says it is consuming, until SIGTERM (it exited 0 within a second)', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-cli.config.ts'),
    };
    for (const k of [
      'RABBITMQ_URL',
      'REDIS_URL',
      'UPSTASH_REDIS_REST_URL',
      'UPSTASH_REDIS_REST_TOKEN',
      'METRICS_PORT',
    ])
      delete env[k];
    const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'worker', '--embedded'], {
      cwd: ROOT,
      env,
    });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const exit = once(child, 'exit');
    while (!out.includes('consuming')) {
      if (child.exitCode !== null) throw new Error(out);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const running = child.exitCode === null;
    child.kill('SIGTERM');
    const [code] = await exit;
    expect(running, out).toBe(true);
    expect(code).toBe(0);
    expect(out).toMatch(/SIGTERM: shutting down[\s\S]*drained/);
  }, 60_000);
});
