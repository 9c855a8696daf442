import type { SecretLike, SstComponents } from './components';
import type { SecretPlan } from './plan';

/** Global: one SST secret per plan entry (`npx sst secret set <name> <value>`), looked up by name. */
export function createSecrets(
  plans: SecretPlan[],
  c: Pick<SstComponents, 'Secret'>,
): Map<string, SecretLike> {
  return new Map(plans.map((s) => [s.name, new c.Secret(s.name, s.placeholder)]));
}
