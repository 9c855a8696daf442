import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('@warren/results/upstash (edge entry)', () => {
  it('bundles for a platform without Node built-ins and without ioredis', async () => {
    const out = await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      platform: 'neutral',
      mainFields: ['module', 'main'],
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((p) => p.endsWith('upstash-rest.ts'))).toBe(true);
    // The Lambda cold-start budget: neither the TCP client nor the full Upstash SDK comes along.
    expect(inputs.filter((p) => /ioredis|@upstash\/redis|@hono\/node-server|^node:/.test(p))).toEqual([]);
    expect(out.outputFiles[0]!.text).not.toMatch(/from ["']node:/);
  });
});
