/**
 * `npm run build:functions`: bundles each Lambda entry `stacks/functions/*.ts` with esbuild into
 * `.build/functions/<name>/` (the directories the stacks deploy whole with `bundle`): the entry
 * `index.mjs` plus `chunks/*.mjs` for code loaded with a dynamic `import()` only when needed
 * (ioredis when REDIS_URL is set, the SQS operations on a retry). Minified ESM for Node 22.
 * `@aws-sdk/*` stays external: the Lambda Node runtime ships it.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { jsonSchemaUser, zodWithoutJsonSchema } from './zod-without-json-schema';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FUNCTIONS_SRC = join(ROOT, 'stacks/functions');
export const FUNCTIONS_OUT = join(ROOT, '.build/functions');

export interface BuiltFunction {
  name: string;
  /** The entry file (`<dir>/index.mjs`); every other output is a chunk next to it. */
  file: string;
  /** Bytes loaded by importing the entry: it and the chunks it imports statically (a cold start). */
  bytes: number;
  /** Bytes of every output file: the entry and all chunks, lazily loaded ones included. */
  totalBytes: number;
  /** Every output file (path relative to the function directory), its size and what is in it. */
  outputs: BuiltOutput[];
  /** Imports left to the runtime (Node built-ins and `@aws-sdk/*` only). */
  externals: string[];
  /** The file that mentions JSON Schema, so zod's conversion is bundled; undefined: left out. */
  jsonSchemaKeptFor?: string;
}

export interface BuiltOutput {
  path: string;
  bytes: number;
  /** Loaded by importing the entry (the entry itself, or a chunk it imports statically). */
  static: boolean;
  /** Source files bundled into it (relative to the repo root). */
  inputs: string[];
  /** External modules it imports statically (a dynamic `import()` loads on first use). */
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

/**
 * `@aws-sdk/*` is external and side-effect free (its package.json says so): an import whose
 * bindings are tree-shaken away is dropped, instead of loading the SDK at cold start for nothing.
 */
const awsSdkExternal: Plugin = {
  name: 'aws-sdk-external',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\// }, (args) => ({
      path: args.path,
      external: true,
      sideEffects: false,
    }));
  },
};

/**
 * @warren/observability's modules define functions and have no import-time effects, but its
 * package.json does not say so: without this, importing the logger from its index bundled every
 * module the index re-exports (prom-client, hono, the status routes: +180 KB in a worker).
 * Marked side-effect free, a Lambda entry carries only the logging it uses.
 */
const OBSERVABILITY_SRC = join(ROOT, 'packages/observability/src');
const observabilityPure: Plugin = {
  name: 'observability-side-effect-free',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === observabilityPure) return undefined;
      const own = args.importer.startsWith(OBSERVABILITY_SRC) && args.path.startsWith('.');
      if (args.path !== '@warren/observability' && !own) return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: observabilityPure,
      });
      return r.errors.length ? { errors: r.errors } : { path: r.path, sideEffects: false };
    });
  },
};

/**
 * pino loads its transports (lib/transport.js, which loads thread-stream for worker threads) and
 * multistream whether or not they are used. The functions log through createLogger onto
 * process.stdout and call neither, so both are replaced by a stub that says so if anything ever
 * does: ~16 KB less to load at every cold start (thread-stream ~10, transport and multistream ~6).
 */
const PINO_LIB = /[\\/]node_modules[\\/]pino[\\/](lib[\\/])?[^\\/]+\.js$/;
const noPinoTransports: Plugin = {
  name: 'no-pino-transports',
  setup(b) {
    // A real file, not a virtual module: the metafile's inputs are read as files (by tests too).
    b.onResolve({ filter: /^\.\/(lib\/)?(transport|multistream)$/ }, (args) =>
      PINO_LIB.test(args.importer) ? { path: join(ROOT, 'scripts/pino-transport-stub.cjs') } : undefined,
    );
  },
};

/**
 * The Lua scripts' own comment lines (`-- ...`, ~1.9 KB in the transition script) are text in a
 * template literal, which minifying keeps: dropped here, as minifying drops the TypeScript's. Only
 * whole comment lines, only in results' `lua/*-script.ts` (no TypeScript line there starts with
 * `--`); the script that runs is otherwise the same text, so its SHA differs from the Node build's
 * and each loads its own copy into Redis once.
 */
const LUA_SCRIPTS = /[\\/]packages[\\/]results[\\/]src[\\/]lua[\\/][^\\/]+-script\.ts$/;
export const stripLuaComments = (source: string): string => source.replace(/^[ \t]*--[^\n]*\n/gm, '');
const luaWithoutComments: Plugin = {
  name: 'lua-without-comments',
  setup(b) {
    b.onLoad({ filter: LUA_SCRIPTS }, (args) => ({
      contents: stripLuaComments(readFileSync(args.path, 'utf8')),
      loader: 'ts',
    }));
  },
};

/** The entry's output and the chunks it imports statically, transitively (what `import()` of it loads). */
function staticClosure(meta: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of meta.outputs[out]?.imports ?? [])
      if (!i.external && i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return seen;
}

export async function buildFunction(entry: string, outDir = FUNCTIONS_OUT): Promise<BuiltFunction> {
  const name = basename(entry, '.ts');
  const dir = join(outDir, name);
  const bundle = (withoutJsonSchema: boolean) => {
    // Chunk names carry a content hash: start clean so stale chunks are not deployed.
    rmSync(dir, { recursive: true, force: true });
    return build({
      entryPoints: { index: entry },
      metafile: true,
      outdir: dir,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      outExtension: { '.js': '.mjs' },
      bundle: true,
      minify: true,
      // Class names survive minifying: errors name themselves by their class (protocol's
      // `new.target.name`, pino's err.type, a config's own error classes), and minified they read
      // 'Q' or 'ie' in CloudWatch lines, Lambda's errorType and job records. Costs ~16-30 KB per
      // bundle and a __name call per closure made (well under a µs), nothing a Lambda batch feels.
      keepNames: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      plugins: [
        awsSdkExternal,
        observabilityPure,
        noPinoTransports,
        luaWithoutComments,
        ...(withoutJsonSchema ? [zodWithoutJsonSchema] : []),
      ],
      legalComments: 'none',
      absWorkingDir: ROOT,
      logLevel: 'warning',
      // CommonJS dependencies (amqplib, ioredis) call require() for Node built-ins; ESM has none.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
  };
  // zod's JSON Schema conversion only where some bundled code mentions it (zod-without-json-schema.ts).
  let result = await bundle(true);
  const jsonSchemaKeptFor = jsonSchemaUser(Object.keys(result.metafile.inputs), ROOT);
  if (jsonSchemaKeptFor) result = await bundle(false);
  const meta = result.metafile;
  const file = join(dir, 'index.mjs');
  const entryOut = relative(ROOT, file);
  const loaded = staticClosure(meta, entryOut);
  const outputs = Object.entries(meta.outputs)
    .filter(([p]) => !p.endsWith('.map'))
    .map(
      ([p, o]): BuiltOutput => ({
        path: relative(dir, join(ROOT, p)),
        bytes: o.bytes,
        static: loaded.has(p),
        inputs: Object.keys(o.inputs),
        externals: o.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path),
      }),
    );
  const externals = Object.values(meta.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external).map((i) => i.path),
  );
  // Next to the bundle, not in it (SST ships the directory): what it was built from, for the
  // deploy to refuse a bundle older than the config it plans from (stacks/bundle-freshness.ts).
  const inputs = [...new Set(outputs.flatMap((o) => o.inputs))].sort();
  writeFileSync(join(outDir, `${name}.inputs.json`), `${JSON.stringify({ inputs }, null, 1)}\n`);
  return {
    name,
    file,
    bytes: outputs.filter((o) => o.static).reduce((s, o) => s + o.bytes, 0),
    totalBytes: outputs.reduce((s, o) => s + o.bytes, 0),
    outputs,
    externals: [...new Set(externals)].sort(),
    jsonSchemaKeptFor,
  };
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
  const kb = (n: number) => `${(n / 1024).toFixed(1).padStart(8)} KB`;
  for (const b of built)
    console.log(
      `${b.name.padEnd(16)} ${kb(b.bytes)} at import, ${kb(b.totalBytes)} in all  ${dirname(b.file)}` +
        (b.jsonSchemaKeptFor ? `  (zod's JSON Schema code kept: ${b.jsonSchemaKeptFor} mentions it)` : ''),
    );
}
