import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { apiKeySchema, ConfigError, type WarrenConfig } from '@warren/core';
import { applyRegionEnv } from './apply-region-env';

/**
 * Left by bin/warren.js when it runs warren from the plain-JS build without loader hooks: it
 * registers tsx (and the `@warren/*` → build hook), needed from here on for TypeScript configs.
 * Absent when the hooks are already there (the sources under tsx, vitest).
 */
const loadTypeScript = (globalThis as { [k: symbol]: (() => Promise<void>) | undefined })[
  Symbol.for('warren.loadTypeScript')
];

/** The repo holding this module (sources or .build/node/): the nearest folder with warren.config.ts. */
function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, 'warren.config.ts'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/**
 * Loads `WARREN_CONFIG` (default: ./warren.config.ts, else the repo's example config) and applies
 * the environment overrides (`WARREN_REGIONS`, `WARREN_REGION`, `WARREN_API_KEYS`).
 */
export async function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  path = env.WARREN_CONFIG,
): Promise<WarrenConfig> {
  const candidates = path
    ? [isAbsolute(path) ? path : resolve(process.cwd(), path)]
    : [resolve(process.cwd(), 'warren.config.ts'), resolve(repoRoot(), 'warren.config.ts')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new ConfigError(`no warren config found (looked at ${candidates.join(', ')})`);
  let mod: { default?: WarrenConfig };
  try {
    await loadTypeScript?.();
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    // defineConfig's error (or the module's own) does not know which file it came from.
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(message.includes(file) ? message : `${file}: ${message}`, { cause: err });
  }
  // A plain object (defineConfig forgotten) used to fail later as "config.regions is not iterable".
  if (!(mod.default?.tasks instanceof Map)) {
    const got = Array.isArray((mod.default as { tasks?: unknown } | undefined)?.tasks)
      ? ' (it exports a plain object: wrap it in defineConfig, which also validates it)'
      : '';
    throw new ConfigError(`${file} must default-export defineConfig({...})${got}`);
  }
  return applyEnv(mod.default, env);
}

export function applyEnv(config: WarrenConfig, env: NodeJS.ProcessEnv): WarrenConfig {
  let out = applyRegionEnv(config, env);
  if (env.WARREN_API_KEYS) {
    const keys = env.WARREN_API_KEYS.split(',')
      .map((k) => k.trim())
      .filter(Boolean)
      .map((entry, i) => {
        // `key` or `key:pattern|pattern` to limit a key to task name patterns. Split at the first
        // ':' only: task names (so patterns) may contain ':' themselves.
        const at = entry.indexOf(':');
        const key = (at < 0 ? entry : entry.slice(0, at)).trimEnd(); // `key : pattern`
        const patterns =
          at < 0
            ? undefined
            : entry
                .slice(at + 1)
                .split('|')
                .map((p) => p.trim());
        // `key:` (an unset variable after the ':') read as no limit: the key could enqueue every task.
        if (patterns?.some((p) => !p))
          throw new ConfigError(
            `WARREN_API_KEYS: entry ${i + 1} has an empty task pattern after ':' (patterns are separated by |)`,
          );
        const parsed = apiKeySchema.safeParse({ key, ...(patterns ? { tasks: patterns } : {}) });
        if (!parsed.success) throw new ConfigError(`WARREN_API_KEYS: ${parsed.error.issues[0]?.message}`);
        return parsed.data;
      });
    // Only the first of two equal keys is matched: `K,K:a.*` gave K every task, and a config's
    // unlimited K could not be limited here. Refused, naming entries (never the key).
    const seen = new Map(out.auth.keys.map((k, i) => [k.key, `auth.keys.${i} in the config`]));
    keys.forEach((k, i) => {
      const earlier = seen.get(k.key);
      if (earlier)
        throw new ConfigError(
          `WARREN_API_KEYS: entry ${i + 1} repeats the key of ${earlier} (one key, one task limit)`,
        );
      seen.set(k.key, `entry ${i + 1}`);
    });
    out = { ...out, auth: { keys: [...out.auth.keys, ...keys] } };
  }
  return out;
}
