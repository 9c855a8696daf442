import { ConfigError } from '@warren/core';

/**
 * Refuses a REDIS_URL ioredis would misread. Its parser takes the path of a URL whose scheme is
 * not redis: or rediss: (https://, a one-slash redis:/) as a Unix socket: the connect error on
 * every retry ('connect ENOENT //user:<password>@host:port') then carries the password; and a
 * redis: path that is not a number is sent as SELECT NaN, refused as an uncaught error. ioredis'
 * forms without a scheme (host:port, a port, a socket path) are left to it; so is unix:// (a socket).
 */
export function checkRedisUrlShape(url: string): void {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const redis = scheme === 'redis' || scheme === 'rediss';
  const slashes = url.slice((scheme?.length ?? 0) + 1).startsWith('//');
  // host:port reads as a scheme followed by digits: not one.
  const hostPort = !slashes && /^[^/]*:\d+$/.test(url);
  if (scheme && !hostPort && ((!redis && scheme !== 'unix') || !slashes))
    throw new ConfigError(
      `REDIS_URL must be a redis:// or rediss:// URL (got one starting ${JSON.stringify(`${scheme}:${slashes ? '//' : ''}`)})`,
    );
  if (!redis) return;
  const path = /^[a-z]+:\/\/[^/?#]*(\/[^?#]*)?/i.exec(url)?.[1] ?? '';
  if (!/^\/?\d*$/.test(path))
    throw new ConfigError(
      'REDIS_URL: the database (its path) must be a number, as in redis://host:6379/0 (a / in the password: percent-encode it as %2F)',
    );
}
