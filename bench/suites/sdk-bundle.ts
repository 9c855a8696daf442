import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BenchContext, BenchSuite } from '../lib/types';

/** Bundles an entry for the browser/edge (ESM, minified) and returns its size in KB. */
async function bundleKb(ctx: BenchContext, name: string, contents: string): Promise<Record<string, number>> {
  const entry = join(ctx.tmpDir, `${name}.ts`);
  writeFileSync(entry, contents);
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    absWorkingDir: process.cwd(),
    nodePaths: [join(process.cwd(), 'node_modules')],
  });
  return { kb: out.outputFiles[0]!.contents.byteLength / 1024 };
}

/**
 * Size of the producer SDK's HTTP client in an edge/browser bundle (budget ≤ 15 KB), against a
 * hand-rolled fetch call that enqueues one job with no retries, types or idempotency.
 */
const suite: BenchSuite = {
  id: 'sdk-bundle',
  title: 'SDK HTTP client bundle (esbuild, minified)',
  metrics: [{ key: 'kb', label: 'bundle size', unit: 'KB', better: 'lower' }],
  sides: [
    {
      name: '@warren/sdk createClient (enqueue, wait, retries)',
      role: 'warren',
      run: (ctx) =>
        bundleKb(
          ctx,
          'sdk',
          `import { createClient } from '@warren/sdk';
           const c = createClient({ url: 'https://x', apiKey: 'k' });
           export const go = () => c.wait(c.enqueue('demo.add', { a: 1, b: 2 }).then((j) => j.id));`,
        ),
    },
    {
      name: 'bare fetch POST',
      role: 'baseline',
      run: (ctx) =>
        bundleKb(
          ctx,
          'bare',
          `export const go = () => fetch('https://x/v1/jobs', { method: 'POST',
             headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
             body: JSON.stringify({ task: 'demo.add', input: { a: 1, b: 2 } }) }).then((r) => r.json());`,
        ),
    },
  ],
};

export default suite;
