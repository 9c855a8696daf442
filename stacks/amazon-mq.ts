import { createHash } from 'node:crypto';
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
      brokerName: brokerName(namePrefix, plan.name),
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

/** Amazon MQ's CreateBroker takes a name of at most 50 characters (Amazon MQ quotas). */
const BROKER_NAME_MAX = 50;

/**
 * `<app>-<stage>-<Component>`, or, when a long stage makes that too long for CreateBroker (which
 * then fails the deploy), its first characters and a hash of the whole: still valid, and still
 * distinct per stage (names are unique in the account). A name that fits is kept as it was, so
 * existing brokers are not replaced.
 */
export function brokerName(namePrefix: string, name: string): string {
  const full = `${namePrefix}-${name}`;
  if (full.length <= BROKER_NAME_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, BROKER_NAME_MAX - hash.length - 1)}-${hash}`;
}

export function secretValue(secrets: Map<string, SecretLike>, name: string) {
  const s = secrets.get(name);
  if (!s) throw new Error(`stacks: secret ${name} is not declared`);
  return s.value;
}
