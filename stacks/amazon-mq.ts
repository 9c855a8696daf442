import type { ResourceOptions, SecretLike, SstComponents } from './components';
import type { AmazonMqPlan } from './plan';
import type { Refs } from './refs';

/**
 * Raw `aws.mq.Broker` (SST has no component for it): Amazon MQ for RabbitMQ, a cluster of three
 * nodes behind one endpoint in cluster mode. Registers `{ref:<name>.arn}` and `.endpoint`.
 */
export function createAmazonMq(
  plan: AmazonMqPlan,
  c: Pick<SstComponents, 'aws'>,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  namePrefix: string,
  opts: ResourceOptions,
) {
  const broker = new c.aws.mq.Broker(
    plan.name,
    {
      brokerName: `${namePrefix}-${plan.name}`,
      engineType: plan.engineType,
      engineVersion: plan.engineVersion,
      hostInstanceType: plan.hostInstanceType,
      deploymentMode: plan.deploymentMode,
      publiclyAccessible: plan.publiclyAccessible,
      autoMinorVersionUpgrade: plan.autoMinorVersionUpgrade,
      users: [
        {
          username: secretValue(secrets, plan.usernameSecret),
          password: secretValue(secrets, plan.passwordSecret),
        },
      ],
    },
    opts,
  );
  refs.set(plan.name, {
    arn: broker.arn,
    endpoint: broker.instances.apply((list) => list[0]?.endpoints[0] ?? ''),
  });
  return broker;
}

export function secretValue(secrets: Map<string, SecretLike>, name: string) {
  const s = secrets.get(name);
  if (!s) throw new Error(`stacks: secret ${name} is not declared`);
  return s.value;
}
