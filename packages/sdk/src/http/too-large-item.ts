import type { BatchItemResult, Problem } from '@warren/protocol';

/** A 413 without a problem body (a gateway's own page). */
const TOO_LARGE: Problem = { type: 'about:blank', title: 'payload too large', status: 413 };
const utf8 = new TextEncoder();

/**
 * Job `index`, answered 413 alone: too large for the ingest's batch body limit (16 × its job limit)
 * or a gateway's. The whole body's problem made the item's, as the ingest's own 413 items are (its
 * instance `…#<index>`, an error naming `jobs.<index>`), so the job is found by its path whichever
 * limit refused it, as the direct client names it.
 */
export function tooLargeItem(problem: Problem | undefined, index: number, job: unknown): BatchItemResult {
  const p = problem ?? TOO_LARGE;
  const bytes = utf8.encode(JSON.stringify(job)).byteLength;
  return {
    status: 413,
    problem: {
      ...p,
      ...(p.instance ? { instance: `${p.instance}#${index}` } : {}),
      errors: [
        { path: `jobs.${index}`, message: `the job is ${bytes} bytes, too large for the ingest alone` },
      ],
    },
  };
}
