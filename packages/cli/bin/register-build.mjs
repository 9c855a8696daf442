// Points `@warren/*` imports at the plain-JS build in .build/node/ (`npm run build`, run by
// `npm install`) while it is at least as new as every source it was built from; otherwise leaves
// them to the TypeScript sources (tsx), which cost the worker ~15% more CPU per job (see
// scripts/build-node.ts).
// Import it after tsx (`--import tsx --import .../register-build.mjs`): the hook registered last
// resolves first. WARREN_REQUIRE_BUILD=1 makes a missing or stale build an error (the bench);
// WARREN_BUILD_DIR points at another build (tests).
import { register } from 'node:module';
import { buildState } from './build-state.mjs';

const state = buildState();
if (state.exports) register('./build-hooks.mjs', import.meta.url, { data: { exports: state.exports } });
else if (process.env.WARREN_REQUIRE_BUILD === '1') {
  throw new Error(`warren: the plain-JS build cannot be used: ${state.reason}`);
}

/** True when `@warren/*` (and `@warren/cli/main`) resolves to .build/node; else why not. */
export const usingBuild = Boolean(state.exports);
export const staleReason = state.reason;
