import { ensureServices } from './services';

/** Runs once per `vitest run`: the real services every integration test talks to. */
export default async function setup(): Promise<void> {
  await ensureServices((m) => console.log(`[test setup] ${m}`));
}
