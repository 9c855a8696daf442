import { build } from 'esbuild';
import { expect, it } from 'vitest';

/** `contents` (an app's module, resolved from this folder) bundled as a browser app would be, minified. */
const bundleForBrowser = (contents: string) =>
  build({
    stdin: { contents, resolveDir: import.meta.dirname, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
  });

/**
 * The README's promise for `createClient`: fetch only and at most 15 KB. What a browser or Worker
 * app bundles when it imports `@warren/sdk`, minified: no zod (the protocol's schemas are written
 * apart for it: job-id.ts, BATCH_MAX), nothing from Node. A value import of `@warren/protocol`'s
 * main entry or of `@warren/core` would bring in zod, ten times the client's size.
 */
it('@warren/sdk bundles for the browser to at most 15 KB minified, without zod or Node modules', async () => {
  const out = await bundleForBrowser("export * from '@warren/sdk';");
  const inputs = Object.keys(out.metafile.inputs);
  expect(inputs.filter((p) => p.includes('node_modules/zod/') || p.startsWith('node:'))).toEqual([]);
  expect(inputs.some((p) => p.includes('packages/sdk/src/http/client.ts'))).toBe(true);
  expect(out.outputFiles[0]!.contents.byteLength).toBeLessThanOrEqual(15 * 1024);
});

/**
 * Typed enqueues from a browser without the task's code: `import type` of a definition (zod, its
 * handler) and `taskRef<typeof task>(name)`. A value import of the definition bundled to ~468 KB.
 */
it('a browser app typing its enqueue with taskRef and `import type` bundles none of the task or zod', async () => {
  const contents = `
    import type { sendEmail } from './fixtures/email-task';
    import { createClient, taskRef } from '@warren/sdk';
    const client = createClient({ url: 'https://jobs.example.com', apiKey: 'k' });
    export const send = (to: string) =>
      client.enqueue(taskRef<typeof sendEmail>('email.send'), { to, subject: 'hi' });`;
  const out = await bundleForBrowser(contents);
  const inputs = Object.keys(out.metafile.inputs);
  expect(inputs.filter((p) => /node_modules\/zod\/|packages\/core\/|email-task|^node:/.test(p))).toEqual([]);
  expect(out.outputFiles[0]!.contents.byteLength).toBeLessThanOrEqual(15 * 1024);
});
