import type { Redis } from 'ioredis';

/**
 * A rejection handler that, for a command that timed out on a connection still looking up,
 * drops that connection for a new one (ioredis reconnects; a socket that does not close is
 * destroyed after 2 s), then rethrows. Its peer may be gone without a word (a NAT or conntrack
 * entry dropped, a failed-over node's old address): kept, it made every later command wait its
 * whole timeout, for as long as the OS kept the socket (~15 min of retransmissions; for good
 * behind a proxy holding it). A Redis that is only slow answers on the new connection as well.
 */
export function dropOnTimeout(redis: Redis): (err: unknown) => never {
  return (err) => {
    if ((err as Error | undefined)?.message === 'Command timed out' && redis.status === 'ready')
      redis.disconnect(true);
    throw err;
  };
}
