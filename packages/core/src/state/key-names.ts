/** How the producer marks a key whose job's publish had an unknown outcome: `unconfirmed:<id>[:<fingerprint>]`. */
export const UNCONFIRMED = 'unconfirmed:';

/**
 * Whether an idempotency key's value names job `id`: the id itself, or its unconfirmed mark. The
 * stores end such a key with the job's finished record (the Redis transition script holds the
 * same rule).
 */
export const keyNames = (value: string, id: string): boolean =>
  value === id ||
  (value.startsWith(UNCONFIRMED) &&
    value.startsWith(id, UNCONFIRMED.length) &&
    (value.length === UNCONFIRMED.length + id.length || value[UNCONFIRMED.length + id.length] === ':'));
