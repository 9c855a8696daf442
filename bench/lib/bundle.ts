/**
 * Shared by the Lambda bundle suites (lambda-bundles, worker-cold-start): build an entry exactly
 * as `npm run build:functions` does and time its cold import in fresh Node processes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BuiltFunction, buildFunction } from '../../scripts/build-functions';
import { type BenchContext, type BenchSide, BenchSkip } from './types';

const run = promisify(execFile);

/**
 * Import time of `file` in a fresh Node process (what a Lambda cold start pays for the code):
 * the entry and the chunks it imports statically; chunks behind a dynamic `import()` are not
 * loaded. `cwd` must be inside the repo: the bundles leave @aws-sdk/* to node_modules, as to the
 * Lambda runtime.
 */
export async function importMs(file: string, cwd: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t); process.exit(0);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    timeout: 60_000,
    env: { PATH: process.env.PATH },
  });
  return Number(stdout.trim().split('\n').pop());
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Writes a scratch entry (a baseline handler) into `dir` and returns its path. */
export function writeEntry(dir: string, name: string, code: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, code);
  return file;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** "212.3 KB loaded at import (entry + 1 static chunk); 362.4 KB in all 3 files" */
export function describeBuilt(b: BuiltFunction): string {
  const statics = b.outputs.filter((o) => o.static).length - 1;
  const lazy = b.outputs.length - 1 - statics;
  return (
    `${kb(b.bytes)} loaded at import (entry${statics ? ` + ${statics} static chunk(s)` : ''}); ` +
    `${kb(b.totalBytes)} in all ${b.outputs.length} file(s)${lazy ? `, ${lazy} loaded only by dynamic import()` : ''}`
  );
}

export interface BundleRun {
  /** KB loaded by importing the entry (entry + static chunks). */
  kb: number;
  /** KB of all output files, lazily imported chunks included. */
  totalKb: number;
  /** Median cold import over `samples` fresh processes. */
  importMs: number;
}

export interface BundleSideOptions {
  name: string;
  role: 'warren' | 'baseline';
  /** The entry file (made on demand for baselines); a missing file skips the side. */
  entry: () => string;
  outDir: string;
  /** Fresh processes per run (default 1); the median is reported. */
  samples?: (ctx: BenchContext) => number;
  /** Called after each run (e.g. to print a goal verdict). */
  report?: (ctx: BenchContext, out: BundleRun) => void;
}

/** A bench side that builds `entry` as deployed, then measures size and cold import. */
export function bundleSide(o: BundleSideOptions): BenchSide {
  let built: BuiltFunction | undefined;
  return {
    name: o.name,
    role: o.role,
    async setup(ctx) {
      const file = o.entry();
      if (!existsSync(file)) throw new BenchSkip(`${file} does not exist yet`);
      built = await buildFunction(file, o.outDir);
      ctx.log(`${o.name}: ${describeBuilt(built)}`);
    },
    async run(ctx) {
      const times: number[] = [];
      for (let i = 0; i < (o.samples?.(ctx) ?? 1); i++) times.push(await importMs(built!.file, o.outDir));
      const out = { kb: built!.bytes / 1024, totalKb: built!.totalBytes / 1024, importMs: median(times) };
      o.report?.(ctx, out);
      return { ...out };
    },
  };
}
