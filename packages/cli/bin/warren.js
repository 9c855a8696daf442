#!/usr/bin/env node
// `npx warren`: tsx first (your warren.config.ts and tasks are TypeScript), then warren itself
// from its plain-JS build when that is fresh (`npm run build`, run by `npm install`), else from
// the TypeScript sources with a note, so an edited checkout still runs what it holds.
import 'tsx';
import { staleReason, usingBuild } from './register-build.mjs';

if (usingBuild) await import('@warren/cli/main');
else {
  process.stderr.write(`warren: running from the TypeScript sources (slower): ${staleReason}\n`);
  await import('../src/main.ts');
}
