import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, regionSchema, type WarrenConfig } from '@warren/core';
import { Resource } from 'sst/resource';
import * as z from 'zod';
// The config is bundled into the function (esbuild follows this import); WARREN_CONFIG may
// still point at a JS config file deployed next to the bundle.
import bundledConfig from '../../../warren.config';
import { ENV, resolveWarrenEnv } from './deploy-env';

export type Env = Record<string, string | undefined>;

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
    // A plain object (defineConfig forgotten) would fail later as "config.regions is not iterable".
    if (!(mod.default?.tasks instanceof Map))
      throw new ConfigError(
        `${file} must default-export defineConfig({...}) (a plain object is not validated)`,
      );
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
