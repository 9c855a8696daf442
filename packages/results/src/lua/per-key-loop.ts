/**
 * The batched scripts' main loop: `fn(key, arg)` for each of KEYS under pcall, so a Redis error
 * on one key (WRONGTYPE, OOM) fails that key alone as {'error', message}, not the keys before it
 * (already written) and after it. Errors come as a string or, from redis.call, a table.
 *
 * READONLY is the exception: the node is a replica (a primary demoted by a failover) and refuses
 * every write, so the call fails as a whole. As a per-key reply it never reached the client as a
 * command error, and ioredis' reconnectOnError (which then finds the new primary) never fired:
 * the store kept its connection to the replica and failed every write for good.
 */
export const perKeyLoop = (fn: string): string => `
local replies = {}
for i = 1, #KEYS do
  local ok, r = pcall(${fn}, KEYS[i], ARGV[i])
  if not ok then
    local msg = type(r) == 'table' and r.err or tostring(r)
    if string.sub(msg, 1, 8) == 'READONLY' then return redis.error_reply(msg) end
    r = {'error', msg}
  end
  replies[i] = r
end
return replies
`;
