import type { Redis } from 'ioredis';

/**
 * A rejection handler that replaces ioredis' error for a command made while it reconnects
 * ('Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest"
 * option for details.': it reads as a setting to change and names no cause) by one naming the
 * connection's last error, by its code where it has one (ECONNREFUSED, ETIMEDOUT…: its message
 * names Redis' address, and a 503's detail reaches API callers), then rethrows. The store's
 * fail-fast options make every command of an outage fail so: each 503 and worker line said it.
 */
export function explainOffline(redis: Redis): (err: unknown) => never {
  let last: Error | undefined;
  redis.on('error', (err: Error) => {
    last = err;
  });
  redis.on('ready', () => {
    last = undefined;
  });
  return (err) => {
    if ((err as Error | undefined)?.name !== 'MaxRetriesPerRequestError') throw err;
    const why = last ? `: ${(last as NodeJS.ErrnoException).code ?? last.message}` : '';
    throw new Error(`not connected to Redis, reconnecting${why}`, { cause: err });
  };
}
