#!/usr/bin/env node
// `npx warren`: warren itself from its plain-JS build when that is fresh (`npm run build`, run by
// `npm install`), else from the TypeScript sources under tsx with a note, so an edited checkout
// still runs what it holds.
// From the build, nothing passes through a loader hook until a config is loaded: tsx (your
// warren.config.ts and tasks are TypeScript) and the `@warren/*` → build hook run on a separate
// thread and cost ~4 ms per module; the CLI's ~200 modules made each start ~0.6 CPU-s slower.
// loadConfig calls the function left under LOAD_TYPESCRIPT before importing the config; the
// modules loaded by then are cached under the same file URLs the hooks resolve to.
import { buildState } from './build-state.mjs';

const state = buildState();
if (state.exports) {
  let loading;
  globalThis[Symbol.for('warren.loadTypeScript')] = () => {
    loading ??= import('tsx').then(() => import('./register-build.mjs'));
    return loading;
  };
  await import(state.exports['@warren/cli/main']);
} else {
  await import('tsx');
  await import('./register-build.mjs');
  process.stderr.write(`warren: running from the TypeScript sources (slower): ${state.reason}\n`);
  await import('../src/main.ts');
}
