import type { Output } from '@pulumi/pulumi';
import type { SstComponents } from './components';
import type { DeploymentPlan } from './plan';
import { Refs } from './refs';
import { deployRegion, deployRegionBroker, regionOptions } from './region';
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
  const regionOpts = plan.regions.map((r) => regionOptions(r, c));
  // Brokers first: every region's functions name every region's broker endpoint.
  plan.regions.forEach((r, i) => {
    deployRegionBroker(r, c, refs, secrets, opts.namePrefix, regionOpts[i]!);
  });
  plan.regions.forEach((r, i) => {
    outputs[`ingest${r.prefix}`] = deployRegion(r, c, refs, secrets, regionOpts[i]!).ingestUrl;
  });
  return outputs;
}
