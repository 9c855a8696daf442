/**
 * The protocol's JOB_ID_PATTERN, written here so the client bundle takes no zod (a test holds them
 * equal): every job id is a UUID or a ULID (a Celery task id that is neither gets one).
 */
export const JOB_ID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9A-HJKMNP-TV-Z]{26})$/i;

/**
 * The id, if a job can have it. Any other is the caller's mistake, refused before a request (both
 * clients alike): over HTTP an empty id made the URL `/v1/jobs/`, and the answer, a 404 about a
 * trailing slash, named no id.
 */
export function jobId(id: unknown): string {
  if (typeof id === 'string' && JOB_ID.test(id)) return id;
  const shown = typeof id === 'string' && id.length > 64 ? `${id.slice(0, 64)}…` : id;
  throw new TypeError(`job id must be a UUID or a ULID, got ${JSON.stringify(shown) ?? String(id)}`);
}
