import { build } from 'esbuild';
import { expect, it } from 'vitest';

/**
 * The README's promise for `createClient`: fetch only and at most 15 KB. What a browser or Worker
 * app bundles when it imports `@warren/sdk`, minified: no zod (the protocol's schemas are written
 * apart for it: job-id.ts, BATCH_MAX), nothing from Node. A value import of `@warren/protocol`'s
 * main entry or of `@warren/core` would bring in zod, ten times the client's size.
 */
it('@warren/sdk bundles for the browser to at most 15 KB minified, without zod or Node modules', async () => {
  const out = await build({
    stdin: { contents: "export * from '@warren/sdk';", resolveDir: import.meta.dirname, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
  });
  const inputs = Object.keys(out.metafile.inputs);
  expect(inputs.filter((p) => p.includes('node_modules/zod/') || p.startsWith('node:'))).toEqual([]);
  expect(inputs.some((p) => p.includes('packages/sdk/src/http/client.ts'))).toBe(true);
  expect(out.outputFiles[0]!.contents.byteLength).toBeLessThanOrEqual(15 * 1024);
});
