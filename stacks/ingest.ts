import type { FunctionLike, ResourceOptions, SecretLike, SstComponents } from './components';
import { createFunction } from './function';
import type { RegionPlan } from './plan';
import type { Refs } from './refs';

/** The region's ingest: the Hono app as a Function with a Function URL. */
export function deployIngest(
  plan: RegionPlan['ingest'],
  c: SstComponents,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  opts: ResourceOptions,
): FunctionLike {
  return createFunction(plan, c, refs, secrets, opts);
}
