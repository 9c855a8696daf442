import { assertBodyDepth } from '@warren/protocol';

/**
 * An enqueue request (its input above all) as the ingest and the worker read it: its JSON, as the
 * HTTP client's body carries it (a Date becomes its ISO string, NaN null, undefined members and
 * functions are dropped). The direct client validates this, not the caller's object: validated
 * as given, a Date passed a `z.date()` input schema here and the worker, reading a string, failed
 * the job as InvalidInput, while the ingest answers such an enqueue 422 (and a `z.string()` schema,
 * or `runAt`, refused here a Date the ingest accepts). A bigint throws JSON's TypeError, as the
 * HTTP client's request does. Nested past the ingest's limit, it is the ingest's 400: unchecked,
 * a job nested past 1,000 levels was published, dead-lettered by the worker at decode (its
 * envelope unread) and its record stayed `queued`.
 */
export function asSent(request: unknown): unknown {
  const text = JSON.stringify(request);
  if (text === undefined) return undefined;
  assertBodyDepth(text);
  return JSON.parse(text);
}
