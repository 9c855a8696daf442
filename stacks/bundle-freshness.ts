import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether the function bundles a plan deploys were built from the sources as they are now. The
 * plan is made from warren.config.ts at deploy time, the bundles by `npm run build:functions`
 * (their config and task code bundled in): an older bundle under a newer plan would run tasks
 * with other timeouts, attempts or queues than the infrastructure was sized for, or not know a
 * task at all. `scripts/build-functions.ts` writes `<bundle>.inputs.json` (the files bundled)
 * next to each bundle directory; a source newer than that manifest makes its bundle stale.
 */
export function staleBundles(bundles: string[], root = process.cwd()): string[] {
  const problems: string[] = [];
  for (const bundle of new Set(bundles)) {
    let builtAt: number;
    let inputs: string[];
    try {
      const manifest = join(root, `${bundle}.inputs.json`);
      builtAt = statSync(manifest).mtimeMs;
      inputs = (JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: string[] }).inputs;
    } catch {
      problems.push(`${bundle}: not built`);
      continue;
    }
    for (const file of inputs) {
      let changedAt: number;
      try {
        changedAt = statSync(join(root, file)).mtimeMs;
      } catch {
        problems.push(`${bundle}: ${file} is gone since it was built`);
        break;
      }
      if (changedAt > builtAt) {
        problems.push(`${bundle}: ${file} changed since it was built`);
        break;
      }
    }
  }
  return problems;
}

/** Refuses a deploy of stale bundles (sst.config.ts calls it before creating anything). */
export function assertBundlesFresh(bundles: string[], root = process.cwd()): void {
  const problems = staleBundles(bundles, root);
  if (problems.length === 0) return;
  throw new Error(
    `stale Lambda bundles (run npm run build:functions, then deploy again):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}
