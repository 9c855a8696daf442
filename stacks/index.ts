import type { Output } from '@pulumi/pulumi';
import type { SstComponents } from './components';
import type { DeploymentPlan } from './plan';
import { Refs } from './refs';
import { deployRegion } from './region';
import { createSecrets } from './secrets';

/**
 * The whole deployment from a plan: global secrets, then each region. Returns the stack outputs
 * (`sst deploy` prints them): each region's ingest URL.
 */
export function deployWarren(
  plan: DeploymentPlan,
  c: SstComponents,
  opts: { namePrefix: string },
): Record<string, Output<string>> {
  const secrets = createSecrets(plan.secrets, c);
  const refs = new Refs(c);
  const outputs: Record<string, Output<string>> = {};
  for (const region of plan.regions) {
    outputs[`ingest${region.prefix}`] = deployRegion(region, c, refs, secrets, opts.namePrefix).ingestUrl;
  }
  return outputs;
}
