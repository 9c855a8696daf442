import type { JobRecord } from '@warren/protocol';
import type { ResultStore } from '../ports/result-store';

/**
 * An id in the case records are kept under: a UUID in lower case (as RFC 9562 writes it), a ULID
 * in upper case (Crockford's). Both are case-insensitive on input.
 */
export const canonicalJobId = (id: string): string =>
  id.length === 26 ? id.toUpperCase() : id.toLowerCase();

/**
 * The record of job `id` as the caller wrote the id: as given, else (none, and the id is not in
 * its canonical case) under its canonical case. The ingest took `0190F0A8-…` as a valid id and
 * answered 404 for the job `0190f0a8-…`, as sent by a caller whose database hands UUIDs back in
 * upper case. An id as given first: a record kept under another case (a Celery producer's own
 * id) is found as before, and a canonical id costs no second read.
 */
export async function readJob(results: Pick<ResultStore, 'get'>, id: string): Promise<JobRecord | undefined> {
  const rec = await results.get(id);
  if (rec) return rec;
  const canonical = canonicalJobId(id);
  return canonical === id ? undefined : results.get(canonical);
}
