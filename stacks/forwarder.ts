import type { ResourceOptions, SecretLike, SstComponents } from './components';
import { createFunction } from './function';
import type { ForwarderPlan } from './plan';
import type { Refs } from './refs';

/** The region's forwarder: a drain Function run by an EventBridge schedule. */
export function deployForwarder(
  plan: ForwarderPlan,
  c: SstComponents,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  opts: ResourceOptions,
) {
  const drain = createFunction(plan.drain, c, refs, secrets, opts);
  new c.Cron(plan.cronName, { function: drain.arn, schedule: plan.schedule }, opts);
  return { drain };
}
