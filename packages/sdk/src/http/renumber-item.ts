import type { BatchItemResult } from '@warren/protocol';

/**
 * Item `k` of one batch request is item `index` of the caller's list (enqueueMany sends a long
 * list in bursts, halves, and retries alone): its problem's field paths (`jobs.k.…`) and instance
 * (`…#k`) are renumbered to name the caller's index, as one request of the whole list would.
 */
export function renumberItem(r: BatchItemResult, k: number, index: number): BatchItemResult {
  if (k === index || !r.problem) return r;
  const from = `jobs.${k}`;
  const problem = { ...r.problem };
  if (problem.errors) {
    problem.errors = problem.errors.map((e) =>
      e.path === from || e.path.startsWith(`${from}.`)
        ? { ...e, path: `jobs.${index}${e.path.slice(from.length)}` }
        : e,
    );
  }
  const suffix = `#${k}`;
  if (problem.instance?.endsWith(suffix))
    problem.instance = `${problem.instance.slice(0, -suffix.length)}#${index}`;
  return { ...r, problem };
}
