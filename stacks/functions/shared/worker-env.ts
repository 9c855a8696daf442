import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ResultStore, regionSchema, type WarrenConfig } from '@warren/core';
// Subpaths, not the package root: the root also exports the TCP store, which would pull ioredis
// into the entry chunk (esbuild assigns chunks by import graph, before tree shaking).
import { upstashCeleryMeta, withCeleryResultsFor } from '@warren/results/celery';
import { createUpstashResultStore, upstashClient } from '@warren/results/upstash';
import { Resource } from 'sst/resource';
import * as z from 'zod';
// The config is bundled into the function (esbuild follows this import); WARREN_CONFIG may
// still point at a JS config file deployed next to the bundle.
import bundledConfig from '../../../warren.config';
import { ENV, resolveWarrenEnv } from './deploy-env';

type Env = Record<string, string | undefined>;

/** Linked SST secrets, or nothing outside an SST deployment (tests, `node` by hand). */
function secret(name: string): string | undefined {
  try {
    const v = (Resource as unknown as Record<string, { value?: string } | undefined>)[name]?.value;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** process.env plus what the linked secrets provide (broker URLs, Upstash), as the deploy plan set it up. */
export function workerEnv(env: Env = process.env): Env {
  return resolveWarrenEnv(env, secret);
}

/** The bundled config (or WARREN_CONFIG), with this function's region and the region catalogue from env. */
export async function loadWorkerConfig(env: Env): Promise<WarrenConfig> {
  let config: WarrenConfig = bundledConfig;
  if (env.WARREN_CONFIG) {
    const file = isAbsolute(env.WARREN_CONFIG)
      ? env.WARREN_CONFIG
      : resolve(process.cwd(), env.WARREN_CONFIG);
    const mod = (await import(pathToFileURL(file).href)) as { default?: WarrenConfig };
    if (!mod.default?.tasks) throw new ConfigError(`${file} must default-export defineConfig({...})`);
    config = mod.default;
  }
  const regionsJson = env[ENV.regions];
  if (regionsJson) {
    const parsed = z.array(regionSchema).safeParse(JSON.parse(regionsJson));
    if (!parsed.success) throw new ConfigError(`${ENV.regions}: ${parsed.error.issues[0]?.message}`);
    config = { ...config, regions: parsed.data };
  }
  if (env[ENV.region]) config = { ...config, region: env[ENV.region]! };
  return config;
}

/** REDIS_URL (TCP) or the Upstash REST variables; a worker without a result store cannot run. */
export async function resultsFromEnv(env: Env, config: WarrenConfig): Promise<ResultStore> {
  const prefix = env.WARREN_REDIS_PREFIX || undefined; // same variable as the CLI
  // protocol: 'celery' queues also get Celery's result-backend keys (celery-task-meta-<id>).
  if (env.REDIS_URL) {
    // ioredis (~150 KB) is a chunk of its own, loaded only here: Upstash REST is the default.
    const { createRedisResultStore } = await import('@warren/results/tcp');
    const store = createRedisResultStore({ redis: env.REDIS_URL, prefix, defaultTtlS: config.results.ttlS });
    return withCeleryResultsFor(config, store, store.redis);
  }
  const url = env[ENV.upstashUrl];
  const token = env[ENV.upstashToken];
  if (url && token) {
    const client = upstashClient({ url, token });
    const store = createUpstashResultStore({ url, token, prefix, defaultTtlS: config.results.ttlS, client });
    return withCeleryResultsFor(config, store, upstashCeleryMeta(client));
  }
  throw new ConfigError('set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN');
}

/** RABBITMQ_URL (comma-separated nodes), else this region's brokers from the catalogue. */
export function brokerUrlsFromEnv(env: Env, config: WarrenConfig): string[] {
  const direct = (env.RABBITMQ_URL ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (direct.length) return direct;
  const own = config.regions.find((r) => r.id === config.region)?.brokers ?? [];
  if (!own.length) throw new ConfigError(`set RABBITMQ_URL (no brokers for region ${config.region})`);
  return own;
}

/** One lazily built runtime per Lambda process: built on the first invocation, rebuilt after a failed build. */
export function lazy<T>(build: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= build().catch((err) => {
      p = undefined;
      throw err;
    });
    return p;
  };
}
