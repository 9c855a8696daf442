import { join } from 'node:path';

/**
 * Node flags for the bench's child processes (worker hosts, servers, the forwarder host): tsx
 * for the bench's own TypeScript, then `@warren/*` from the plain-JS build (`npm run build`;
 * `npm run bench` builds first and sets WARREN_REQUIRE_BUILD=1), as the `warren` bin runs it.
 * Every Node side (raw, BullMQ, bare Hono) runs under the same flags.
 */
export const CHILD_EXEC_ARGV = [
  '--import',
  'tsx',
  '--import',
  join(process.cwd(), 'packages/cli/bin/register-build.mjs'),
];
