import { cliBuildForRun } from './cli-build';
import { queueHygiene } from './queue-hygiene';
import { ensureServices } from './services';

/** Runs once per `vitest run`: the real services every integration test talks to. */
export default async function setup(): Promise<() => Promise<void>> {
  const log = (m: string) => console.log(`[test setup] ${m}`);
  await ensureServices(log);
  const dropBuild = await cliBuildForRun(log);
  const hygiene = await queueHygiene(log);
  // The returned function is vitest's global teardown.
  return async () => {
    await hygiene();
    dropBuild();
  };
}
