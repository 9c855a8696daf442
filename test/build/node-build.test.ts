import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNode, type NodeManifest } from '../../scripts/build-node';

const run = promisify(execFile);
const register = join(process.cwd(), 'packages/cli/bin/register-build.mjs');

/** Runs `code` (ESM) in a fresh Node with tsx then the build hook, as the bin and the bench do. */
async function node(code: string, env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', '--import', register, '--input-type=module', '-e', code], {
    cwd: process.cwd(),
    env: { ...process.env, WARREN_REQUIRE_BUILD: '', ...env },
  });
}

describe('the plain-JS build (npm run build) and its resolve hook', () => {
  // Inside the repo, as the real build: its externals (zod, amqplib…) resolve from node_modules.
  mkdirSync(join(process.cwd(), '.build'), { recursive: true });
  const dir = mkdtempSync(join(process.cwd(), '.build/test-'));
  const out = join(dir, 'node');
  let manifest: NodeManifest;
  beforeAll(async () => {
    manifest = await buildNode(out);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has one entry per package export and the CLI, built from workspace sources only', () => {
    expect(manifest.exports['@warren/core']).toBe('core/index.mjs');
    expect(manifest.exports['@warren/sdk/direct']).toBe('sdk/direct.mjs');
    expect(manifest.exports['@warren/results/tcp']).toBe('results/tcp.mjs');
    expect(manifest.exports['@warren/cli/main']).toBe('cli/main.mjs');
    expect(manifest.inputs).toContain('packages/core/src/executor/execute-job.ts');
    expect(manifest.inputs.every((f) => f.startsWith('packages/'))).toBe(true);
  });

  it('resolves @warren/* to the build, one module instance across packages', async () => {
    const { stdout } = await node(
      `const core = await import('@warren/core');
       const protocol = await import('@warren/protocol');
       const shared = Object.keys(protocol).filter((k) => k in core);
       console.log(JSON.stringify({
         core: import.meta.resolve('@warren/core'),
         direct: import.meta.resolve('@warren/sdk/direct'),
         zod: import.meta.resolve('zod').includes('node_modules'),
         shared: shared.length,
         same: shared.every((k) => core[k] === protocol[k]),
         nonRetriable: typeof core.NonRetriableError,
       }));`,
      { WARREN_BUILD_DIR: out },
    );
    const r = JSON.parse(stdout);
    expect(r.core).toBe(`file://${out}/core/index.mjs`);
    expect(r.direct).toBe(`file://${out}/sdk/direct.mjs`);
    expect(r.zod).toBe(true);
    // core re-exports protocol: the same objects, not a second bundled copy.
    expect(r.shared).toBeGreaterThan(5);
    expect(r.same).toBe(true);
    expect(r.nonRetriable).toBe('function');
  });

  it('leaves @warren/* to the sources when a source is newer than the build, and says why when required', async () => {
    const stale = join(dir, 'stale');
    const src = join(dir, 'source.ts');
    mkdirSync(stale);
    const m = { exports: { '@warren/core': 'core/index.mjs' }, inputs: [src] };
    writeFileSync(join(stale, 'manifest.json'), JSON.stringify(m));
    writeFileSync(src, '// edited after the build\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(src, later, later);
    const { stdout } = await node(`console.log(import.meta.resolve('@warren/core'))`, {
      WARREN_BUILD_DIR: stale,
    });
    expect(stdout.trim()).toMatch(/packages\/core\/src\/index\.ts$/);
    const required = node(`1`, { WARREN_BUILD_DIR: stale, WARREN_REQUIRE_BUILD: '1' });
    await expect(required).rejects.toThrow(/source\.ts changed since the build/);
    const missing = node(`1`, { WARREN_BUILD_DIR: join(dir, 'none'), WARREN_REQUIRE_BUILD: '1' });
    await expect(missing).rejects.toThrow(/no build/);
  }, 60_000);
});
