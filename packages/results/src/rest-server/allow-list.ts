/**
 * Commands the local Upstash-REST endpoint forwards to Redis. Everything else answers
 * `{"error":"ERR unknown or unsupported command '<name>'"}`. Left out on purpose: blocking
 * commands (BLPOP…) and SUBSCRIBE/MONITOR (they would pin the shared connection), MULTI/EXEC/WATCH
 * inside a body (use `/multi-exec`), SELECT/AUTH/CLIENT/CONFIG/DEBUG/SHUTDOWN/FLUSHALL/FLUSHDB
 * (connection or server state that other callers share).
 */
// biome-ignore format: grouped by data type, one family per line
export const ALLOWED_COMMANDS: ReadonlySet<string> = new Set([
  // strings
  'append', 'decr', 'decrby', 'get', 'getdel', 'getex', 'getrange', 'getset', 'incr', 'incrby',
  'incrbyfloat', 'mget', 'mset', 'msetnx', 'psetex', 'set', 'setex', 'setnx', 'setrange', 'strlen',
  // keys
  'copy', 'del', 'exists', 'expire', 'expireat', 'expiretime', 'keys', 'persist', 'pexpire',
  'pexpireat', 'pexpiretime', 'pttl', 'randomkey', 'rename', 'renamenx', 'scan', 'touch', 'ttl',
  'type', 'unlink', 'dbsize',
  // hashes
  'hdel', 'hexists', 'hget', 'hgetall', 'hincrby', 'hincrbyfloat', 'hkeys', 'hlen', 'hmget', 'hmset',
  'hrandfield', 'hscan', 'hset', 'hsetnx', 'hstrlen', 'hvals',
  // lists
  'lindex', 'linsert', 'llen', 'lmove', 'lpop', 'lpos', 'lpush', 'lpushx', 'lrange', 'lrem', 'lset',
  'ltrim', 'rpop', 'rpush', 'rpushx',
  // sets
  'sadd', 'scard', 'sdiff', 'sdiffstore', 'sinter', 'sintercard', 'sinterstore', 'sismember',
  'smembers', 'smismember', 'smove', 'spop', 'srandmember', 'srem', 'sscan', 'sunion', 'sunionstore',
  // sorted sets
  'zadd', 'zcard', 'zcount', 'zincrby', 'zlexcount', 'zmscore', 'zpopmax', 'zpopmin', 'zrange',
  'zrangebyscore', 'zrank', 'zrem', 'zremrangebyrank', 'zremrangebyscore', 'zrevrange',
  'zrevrangebyscore', 'zrevrank', 'zscan', 'zscore',
  // streams (append and read only)
  'xadd', 'xlen', 'xrange', 'xrevrange', 'xdel', 'xtrim',
  // hyperloglog, bitmaps
  'pfadd', 'pfcount', 'pfmerge', 'bitcount', 'bitpos', 'getbit', 'setbit',
  // scripting (SCRIPT only LOAD and EXISTS: FLUSH/KILL would hit every caller)
  'eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'script',
  // server and pub/sub publish side
  'echo', 'ping', 'publish', 'time',
]);

const SCRIPT_SUBCOMMANDS = new Set(['load', 'exists']);

/** Undefined when allowed, else the Upstash-shaped error message. */
export function refuseCommand(cmd: readonly unknown[]): string | undefined {
  const name = String(cmd[0] ?? '').toLowerCase();
  const ok =
    ALLOWED_COMMANDS.has(name) && (name !== 'script' || SCRIPT_SUBCOMMANDS.has(String(cmd[1]).toLowerCase()));
  if (ok) return undefined;
  const shown = name === 'script' ? `script ${String(cmd[1] ?? '')}` : name;
  return `ERR unknown or unsupported command '${shown}'`;
}
