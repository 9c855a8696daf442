/**
 * KEYS[1] idempotency key; ARGV: job id, ttlS. Returns the id that owns the key: ARGV[1] when it
 * was free (now claimed), else the first claimer's.
 */
export const CLAIM_KEY_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return ARGV[1] end
return redis.call('GET', KEYS[1])
`;

/** KEYS[1] idempotency key; ARGV: job id. Deletes the key only when that id owns it. */
export const RELEASE_KEY_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
