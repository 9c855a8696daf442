// Points `@warren/*` imports at the plain-JS build in .build/node/ (`npm run build`, run by
// `npm install`) while it is at least as new as every source it was built from; otherwise leaves
// them to the TypeScript sources (tsx), which cost the worker ~15% more CPU per job (see
// scripts/build-node.ts).
// Import it after tsx (`--import tsx --import .../register-build.mjs`): the hook registered last
// resolves first. WARREN_REQUIRE_BUILD=1 makes a missing or stale build an error (the bench);
// WARREN_BUILD_DIR points at another build (tests).
import { readFileSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const root = new URL('../../../', import.meta.url);
const out = process.env.WARREN_BUILD_DIR
  ? pathToFileURL(`${process.env.WARREN_BUILD_DIR.replace(/\/$/, '')}/`)
  : new URL('.build/node/', root);

/** Why the build cannot be used, or undefined when it can. */
function staleness() {
  let manifest;
  let builtAt;
  try {
    builtAt = statSync(new URL('manifest.json', out)).mtimeMs;
    manifest = JSON.parse(readFileSync(new URL('manifest.json', out), 'utf8'));
  } catch {
    return { reason: 'no build in .build/node (npm run build)' };
  }
  for (const file of manifest.inputs) {
    let mtime;
    try {
      mtime = statSync(new URL(file, root)).mtimeMs;
    } catch {
      return { reason: `${file} is gone since the build` };
    }
    if (mtime > builtAt) return { reason: `${file} changed since the build` };
  }
  return { manifest };
}

const state = staleness();
if (state.manifest) {
  const exports = Object.fromEntries(
    Object.entries(state.manifest.exports).map(([spec, file]) => [spec, new URL(file, out).href]),
  );
  register('./build-hooks.mjs', import.meta.url, { data: { exports } });
} else if (process.env.WARREN_REQUIRE_BUILD === '1') {
  throw new Error(`warren: the plain-JS build cannot be used: ${state.reason}`);
}

/** True when `@warren/*` (and `@warren/cli/main`) resolves to .build/node; else why not. */
export const usingBuild = Boolean(state.manifest);
export const staleReason = state.reason;
