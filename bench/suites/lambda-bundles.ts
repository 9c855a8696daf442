import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BuiltFunction, buildFunction, FUNCTIONS_SRC, ROOT } from '../../scripts/build-functions';
import { type BenchContext, type BenchSide, BenchSkip, type BenchSuite } from '../lib/types';

// Inside the repo: the bundles leave @aws-sdk/* to the Lambda runtime, here node_modules.
const OUT = join(ROOT, '.build/bench-lambda');
const run = promisify(execFile);

/** Cold import of a bundle in a fresh Node process (what a Lambda cold start pays for the code). */
async function importMs(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t); process.exit(0);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: OUT,
    timeout: 60_000,
    env: { PATH: process.env.PATH },
  });
  return Number(stdout.trim().split('\n').pop());
}

function bundleSide(name: string, role: 'warren' | 'baseline', entry: () => string): BenchSide {
  let built: BuiltFunction | undefined;
  return {
    name,
    role,
    async setup(ctx: BenchContext) {
      const file = entry();
      if (!existsSync(file)) throw new BenchSkip(`${file} does not exist yet`);
      built = await buildFunction(file, OUT);
      ctx.log(`${name}: ${(built.bytes / 1024).toFixed(1)} KB`);
    },
    async run() {
      return { kb: built!.bytes / 1024, importMs: await importMs(built!.file) };
    },
  };
}

/** The smallest Lambda HTTP handler on the same stack: Hono through hono/aws-lambda, one route. */
function baselineEntry(): string {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'bare-hono.ts');
  writeFileSync(
    file,
    `import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
const app = new Hono();
app.post('/v1/jobs', async (c) => c.json({ id: crypto.randomUUID(), body: await c.req.json() }, 202));
export const handler = handle(app);
`,
  );
  return file;
}

/**
 * Size (esbuild, minified ESM, @aws-sdk external) and cold import time of each Lambda entry file
 * (`npm run build:functions`), against a bare Hono handler. Sizes are exact; import times are
 * indicative on a shared machine.
 */
const suite: BenchSuite = {
  id: 'lambda-bundles',
  title: 'Lambda entry bundles: size and cold import time',
  metrics: [
    { key: 'kb', label: 'bundle size', unit: 'KB', better: 'lower' },
    { key: 'importMs', label: 'cold import', unit: 'ms', better: 'lower' },
  ],
  sides: [
    ...['ingest', 'sqs-worker', 'rmq-worker', 'forward-drain'].map((n) =>
      bundleSide(`${n} entry`, 'warren', () => join(FUNCTIONS_SRC, `${n}.ts`)),
    ),
    bundleSide('bare hono/aws-lambda handler', 'baseline', baselineEntry),
  ],
};

export default suite;
