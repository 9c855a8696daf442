import { type ServerType, serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import { STORE_REDIS_OPTIONS } from '../tcp/create-redis-result-store';
import { createRedisRestApp } from './app';

export interface ServeRedisRestOptions {
  port: number;
  redisUrl: string;
  token: string;
  hostname?: string;
  onError?: (err: Error) => void;
}

export interface RedisRestServer {
  url: string;
  server: ServerType;
  redis: Redis;
  close(): Promise<void>;
}

/** Serves createRedisRestApp on Node over its own ioredis connection; resolves once listening. */
export async function serveRedisRest(opts: ServeRedisRestOptions): Promise<RedisRestServer> {
  // Fail fast like the stores: during an outage the caller must get an error, not a queued write.
  const redis = new Redis(opts.redisUrl, STORE_REDIS_OPTIONS);
  redis.on('error', (err: Error) => opts.onError?.(err));
  const app = createRedisRestApp({ redis, token: opts.token });
  const hostname = opts.hostname ?? '127.0.0.1';
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  return {
    url: `http://${hostname}:${opts.port}`,
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
