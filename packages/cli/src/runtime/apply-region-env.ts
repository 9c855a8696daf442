import {
  assertRegionRefs,
  ConfigError,
  fieldErrors,
  nameSchema,
  regionSchema,
  type WarrenConfig,
} from '@warren/core';
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
      throw new ConfigError(
        `WARREN_REGIONS is not JSON: ${unquoted((err as Error).message)} (its text is not shown: it may hold broker passwords)`,
      );
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

/**
 * V8's JSON.parse message without what it quotes of the text (`Unexpected token ']', ..."retPw@mq",]}]"
 * is not valid JSON`): the ~10 characters around the fault, in this variable a broker URL's
 * password (with a short host, its end), printed at start past the log redaction.
 */
const unquoted = (message: string): string =>
  message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '').replace(/token '.*?'/, 'token');

/** defineConfig's region cross-checks, plus: this process's region is one of the regions. */
function checkRegions(config: WarrenConfig, regionLabel: string): void {
  const ids = config.regions.map((r) => r.id);
  if (ids.length > 0 && !ids.includes(config.region))
    throw new ConfigError(`${regionLabel} is not one of the regions (${[...new Set(ids)].join(', ')})`);
  assertRegionRefs(config.regions, config.queues, 'WARREN_REGIONS');
}
