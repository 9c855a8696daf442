import { ConfigError, fieldErrors, nameSchema, regionSchema, type WarrenConfig } from '@warren/core';
import * as z from 'zod';

// Names the field path within the variable, as defineConfig does for the file.
const fail = (v: string, issues: readonly z.core.$ZodIssue[]): never => {
  const errs = fieldErrors(issues).map((e) => (e.path === '(body)' ? e.message : `${e.path}: ${e.message}`));
  throw new ConfigError(`${v}: ${errs.join('; ')}`);
};

/**
 * `WARREN_REGIONS` (JSON region list) and `WARREN_REGION`, validated as defineConfig validates the
 * file: a region id that is not a valid name would make every job's envelope fail the worker's
 * schema (all poison), so both are checked, then the cross-checks re-run on the result.
 */
export function applyRegionEnv(config: WarrenConfig, env: NodeJS.ProcessEnv): WarrenConfig {
  if (!env.WARREN_REGIONS && !env.WARREN_REGION) return config;
  let out = config;
  if (env.WARREN_REGIONS) {
    let raw: unknown;
    try {
      raw = JSON.parse(env.WARREN_REGIONS);
    } catch (err) {
      throw new ConfigError(`WARREN_REGIONS is not JSON: ${(err as Error).message}`);
    }
    const parsed = z.array(regionSchema).safeParse(raw);
    out = { ...out, regions: parsed.success ? parsed.data : fail('WARREN_REGIONS', parsed.error.issues) };
  }
  if (env.WARREN_REGION) {
    const parsed = nameSchema.safeParse(env.WARREN_REGION);
    out = { ...out, region: parsed.success ? parsed.data : fail('WARREN_REGION', parsed.error.issues) };
  }
  checkRegions(out, env.WARREN_REGION ? `WARREN_REGION "${out.region}"` : `region "${out.region}"`);
  return out;
}

/** defineConfig's region cross-checks, plus: this process's region is one of the regions. */
function checkRegions(config: WarrenConfig, regionLabel: string): void {
  const ids = new Set<string>();
  for (const r of config.regions) {
    if (ids.has(r.id)) throw new ConfigError(`WARREN_REGIONS: region ${r.id} is listed twice`);
    ids.add(r.id);
  }
  if (ids.size > 0 && !ids.has(config.region))
    throw new ConfigError(`${regionLabel} is not one of the regions (${[...ids].join(', ')})`);
  for (const [name, q] of Object.entries(config.queues))
    if (q.homeRegion && !ids.has(q.homeRegion))
      throw new ConfigError(
        `queues.${name}.homeRegion "${q.homeRegion}" is not a region (after WARREN_REGIONS)`,
      );
}
