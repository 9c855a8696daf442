import { join } from 'node:path';
import { FUNCTIONS_SRC, ROOT } from '../../scripts/build-functions';
import { bundleSide, writeEntry } from '../lib/bundle';
import type { BenchSuite } from '../lib/types';

// Inside the repo: the bundles leave @aws-sdk/* to the Lambda runtime, here node_modules.
const OUT = join(ROOT, '.build/bench-lambda');

/** The smallest Lambda HTTP handler on the same stack: Hono through hono/aws-lambda, one route. */
const baselineEntry = () =>
  writeEntry(
    OUT,
    'bare-hono',
    `import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
const app = new Hono();
app.post('/v1/jobs', async (c) => c.json({ id: crypto.randomUUID(), body: await c.req.json() }, 202));
export const handler = handle(app);
`,
  );

/**
 * Size (esbuild, minified ESM, @aws-sdk external, code splitting) and cold import time of each
 * Lambda entry file (`npm run build:functions`), against a bare Hono handler. "loaded at import"
 * is the entry plus the chunks it imports statically; chunks behind a dynamic import() (ioredis
 * when REDIS_URL is set) are only in "all chunks". Sizes are exact; import times are indicative
 * on a shared machine.
 */
const suite: BenchSuite = {
  id: 'lambda-bundles',
  title: 'Lambda entry bundles: size and cold import time',
  metrics: [
    { key: 'kb', label: 'loaded at import', unit: 'KB', better: 'lower' },
    { key: 'totalKb', label: 'all chunks', unit: 'KB', better: 'lower' },
    { key: 'importMs', label: 'cold import', unit: 'ms', better: 'lower' },
  ],
  sides: [
    ...['ingest', 'sqs-worker', 'rmq-worker', 'forward-drain'].map((n) =>
      bundleSide({
        name: `${n} entry`,
        role: 'warren',
        entry: () => join(FUNCTIONS_SRC, `${n}.ts`),
        outDir: OUT,
      }),
    ),
    bundleSide({ name: 'bare hono/aws-lambda handler', role: 'baseline', entry: baselineEntry, outDir: OUT }),
  ],
};

export default suite;
