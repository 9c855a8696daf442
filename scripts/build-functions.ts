/**
 * `npm run build:functions`: bundles each Lambda entry `stacks/functions/*.ts` with esbuild into
 * `.build/functions/<name>/index.mjs` (the directories the stacks deploy with `bundle`), minified,
 * ESM for Node 22. `@aws-sdk/*` stays external: the Lambda Node runtime ships it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FUNCTIONS_SRC = join(ROOT, 'stacks/functions');
export const FUNCTIONS_OUT = join(ROOT, '.build/functions');

export interface BuiltFunction {
  name: string;
  file: string;
  bytes: number;
  /** Imports left to the runtime (Node built-ins and `@aws-sdk/*` only). */
  externals: string[];
}

/** The entry files present now: every `*.ts` directly in stacks/functions (not tests, not shared/). */
export function functionEntries(dir = FUNCTIONS_SRC): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

export async function buildFunction(entry: string, outDir = FUNCTIONS_OUT): Promise<BuiltFunction> {
  const name = basename(entry, '.ts');
  const file = join(outDir, name, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    metafile: true,
    outfile: file,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: ['@aws-sdk/*'],
    legalComments: 'none',
    absWorkingDir: ROOT,
    logLevel: 'warning',
    // CommonJS dependencies (amqplib, ioredis) call require() for Node built-ins; ESM has none.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const externals = Object.values(result.metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external).map((i) => i.path),
  );
  return { name, file, bytes: statSync(file).size, externals: [...new Set(externals)].sort() };
}

export async function buildFunctions(
  entries = functionEntries(),
  outDir = FUNCTIONS_OUT,
): Promise<BuiltFunction[]> {
  const out: BuiltFunction[] = [];
  for (const e of entries) out.push(await buildFunction(e, outDir));
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildFunctions();
  if (built.length === 0) console.log('no entry files in stacks/functions');
  for (const b of built)
    console.log(`${b.name.padEnd(16)} ${(b.bytes / 1024).toFixed(1).padStart(8)} KB  ${b.file}`);
}
