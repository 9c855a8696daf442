import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildState } from '../../packages/cli/bin/build-state.mjs';
import { buildNode } from '../../scripts/build-node';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILDS = join(ROOT, '.build');
const PREFIX = 'test-run-';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The tests start `warren` (packages/cli/bin/warren.js) a few hundred times a run. With
 * .build/node older than a source (any edit since `npm run build`), each start runs the CLI from
 * the TypeScript sources through tsx: measured 2.5 CPU-s and ~4-6 s on this 2-core box, against
 * ~0.8 CPU-s from a build (no loader hook until a config is loaded, see bin/warren.js). Then the
 * run builds the current sources once (~2 s) into
 * .build/test-run-<pid> and points WARREN_BUILD_DIR at it, which the test workers and the CLI
 * processes they spawn inherit: the same bin and sources, as `npm run build` would compile them.
 * Returns the teardown that deletes that build.
 */
export async function cliBuildForRun(log: (m: string) => void): Promise<() => void> {
  // Builds of runs that died before their teardown.
  for (const name of existsSync(BUILDS) ? readdirSync(BUILDS) : []) {
    const pid = Number(name.slice(PREFIX.length));
    if (name.startsWith(PREFIX) && Number.isInteger(pid) && !alive(pid))
      rmSync(join(BUILDS, name), { recursive: true, force: true });
  }
  if (process.env.WARREN_BUILD_DIR) return () => {};
  // The bin's own check (packages/cli/bin/build-state.mjs), of .build/node: WARREN_BUILD_DIR is unset here.
  const { reason } = buildState();
  if (!reason) return () => {};
  const dir = join(BUILDS, `${PREFIX}${process.pid}`);
  const t = performance.now();
  try {
    await buildNode(dir);
  } catch (err) {
    // A source mid-edit that does not compile: the CLI tests fail on it from the sources as well,
    // the others must still run.
    rmSync(dir, { recursive: true, force: true });
    log(
      `.build/node is stale (${reason}) and the sources did not build: CLI processes run from them (${err})`,
    );
    return () => {};
  }
  process.env.WARREN_BUILD_DIR = dir;
  log(
    `.build/node is stale (${reason}): CLI processes run from ${dir} (built in ${Math.round(performance.now() - t)} ms)`,
  );
  return () => {
    delete process.env.WARREN_BUILD_DIR;
    rmSync(dir, { recursive: true, force: true });
  };
}
