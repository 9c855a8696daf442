import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { isLoopbackHost } from '@warren/core';
import { Redis } from 'ioredis';
import { checkRedisUrlShape } from '../redis-url-shape';
import { STORE_REDIS_OPTIONS } from '../tcp/create-redis-result-store';
import { createRedisRestApp } from './app';

export interface ServeRedisRestOptions {
  port: number;
  redisUrl: string;
  token: string;
  hostname?: string;
  onError?: (err: Error) => void;
  /** See createRedisRestApp (default: Upstash's 10 MB). */
  maxRequestBytes?: number;
}

export interface RedisRestServer {
  url: string;
  server: ServerType;
  redis: Redis;
  close(): Promise<void>;
}

/** Serves createRedisRestApp on Node over its own ioredis connection; resolves once listening. */
export async function serveRedisRest(opts: ServeRedisRestOptions): Promise<RedisRestServer> {
  checkRedisUrlShape(opts.redisUrl);
  // Fail fast like the stores: during an outage the caller must get an error, not a queued write.
  const redis = new Redis(opts.redisUrl, STORE_REDIS_OPTIONS);
  redis.on('error', (err: Error) => opts.onError?.(err));
  const app = createRedisRestApp({ redis, token: opts.token, maxRequestBytes: opts.maxRequestBytes });
  const hostname = opts.hostname ?? '127.0.0.1';
  const fetch = LOOPBACK_ADDRESS.has(hostname) ? loopbackNamesOnly(app.fetch) : app.fetch;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch, port: opts.port, hostname }, () => resolve(s));
    s.once('error', reject);
  }).catch((err: unknown) => {
    redis.disconnect(); // left open, it would reconnect for good and keep the process alive
    throw err;
  });
  return {
    url: reachableUrl(server.address() as AddressInfo),
    server,
    redis,
    close: async () => {
      const closing = new Promise<void>((r) => server.close(() => r()));
      // @upstash/redis keeps connections alive; without this close() waits for them to idle out.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closing;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Where a client reaches the bound socket: its real port (port 0 lets the OS choose), an IPv6
 * address in brackets, and loopback for the unspecified addresses, which name no host to connect
 * to (`http://:::8079` is no URL).
 */
function reachableUrl({ address, family, port }: AddressInfo): string {
  const v6 = family === 'IPv6' || (family as unknown) === 6;
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return `http://${v6 ? `[${host}]` : host}:${port}`;
}

const LOOPBACK_ADDRESS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * On loopback, only requests naming a loopback host (see isLoopbackHost): warren dev's token is
 * a fixed, published one.
 */
function loopbackNamesOnly(fetch: (req: Request) => Response | Promise<Response>) {
  return (req: Request) => {
    const host = req.headers.get('host') ?? '';
    if (isLoopbackHost(host)) return fetch(req);
    const error = `ERR this endpoint on loopback answers only localhost, 127.0.0.1 and [::1], not Host ${JSON.stringify(host.slice(0, 100))}`;
    return Response.json({ error }, { status: 403 });
  };
}
