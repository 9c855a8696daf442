/**
 * `npm run build` (also run by `npm install`, as `prepare`): compiles every `@warren/*` package
 * export and the `warren` CLI into plain ESM under `.build/node/`, one entry per export, shared
 * code in chunks (so `@warren/core` is one module instance whoever imports it). node_modules stay
 * external. `packages/cli/bin/register-build.mjs` points `@warren/*` imports at it while it is
 * fresher than the sources; the `warren` bin and the bench run through it.
 *
 * Why not tsx at run time: tsx transforms with esbuild's `keepNames`, which wraps each closure in
 * `__name(fn, "fn")` (an Object.defineProperty every time the closure is created, ~0.5-0.9 µs).
 * warren's hot paths create closures per job. The bench's worker drained 20k jobs, alternating
 * (2026-12-04, a noisy 2-core VM): from the sources 158-178 µs CPU per job (median 165), from
 * this build 128-167 (median 139). The Lambda bundles (`build-functions.ts`) do keep names (their
 * errors are read in CloudWatch by class name), at that per-closure cost.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_OUT = join(ROOT, '.build/node');

/** What `register-build.mjs` reads: the specifier → file map and the sources to check freshness. */
export interface NodeManifest {
  /** `@warren/core`, `@warren/sdk/direct`, … → file relative to `.build/node/`. */
  exports: Record<string, string>;
  /** Source files bundled in (relative to the repo root): newer than the build = stale. */
  inputs: string[];
}

type PackageJson = { name: string; exports?: Record<string, string> };

/** Every `@warren/*` export as `{ specifier → source file }`, plus the CLI's `main.ts`. */
export function warrenExports(root = ROOT): Record<string, string> {
  const dirs = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces as string[];
  const out: Record<string, string> = {};
  const pkgsDir = join(root, dirs[0]!.replace('/*', ''));
  for (const name of readdirSync(pkgsDir).sort()) {
    const pkg = JSON.parse(readFileSync(join(pkgsDir, name, 'package.json'), 'utf8')) as PackageJson;
    for (const [sub, file] of Object.entries(pkg.exports ?? {}))
      out[sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`] = join(pkgsDir, name, file);
  }
  out['@warren/cli/main'] = join(pkgsDir, 'cli/src/main.ts');
  return out;
}

/** Bundle our workspace packages; leave everything from node_modules (and Node built-ins) to Node. */
const externalDeps: Plugin = {
  name: 'external-deps',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@warren/') ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildNode(outDir = NODE_OUT): Promise<NodeManifest> {
  const specs = warrenExports();
  // `@warren/sdk/direct` → entry `sdk/direct`; `@warren/core` → `core/index`.
  const entryName = (spec: string) => {
    const [, pkg, ...sub] = spec.split('/');
    return `${pkg}/${sub.length ? sub.join('-') : 'index'}`;
  };
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(specs).map(([s, f]) => [entryName(s), f])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // No source maps: tsx (loaded by the bin for your config) turns Node's source-map support on,
    // which would make every stack trace look them up; the unminified output reads as it is.
    sourcemap: false,
    metafile: true,
    plugins: [externalDeps],
    absWorkingDir: ROOT,
    logLevel: 'warning',
    // CommonJS dependencies (amqplib, ioredis) call require() for Node built-ins; ESM has none.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const manifest: NodeManifest = {
    exports: Object.fromEntries(Object.keys(specs).map((s) => [s, `${entryName(s)}.mjs`])),
    inputs: Object.keys(result.metafile.inputs)
      .filter((f) => !f.includes('node_modules/'))
      .map((f) => relative(ROOT, resolve(ROOT, f)))
      .sort(),
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t = performance.now();
  const m = await buildNode();
  console.log(
    `built ${Object.keys(m.exports).length} entries from ${m.inputs.length} sources into ${relative(process.cwd(), NODE_OUT)}/ in ${Math.round(performance.now() - t)} ms`,
  );
}
