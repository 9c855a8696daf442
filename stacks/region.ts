import { createAmazonMq } from './amazon-mq';
import type { ResourceOptions, SecretLike, SstComponents } from './components';
import { createMqTriggerCredentials } from './event-sources';
import { deployForwarder } from './forwarder';
import { deployIngest } from './ingest';
import type { RegionPlan } from './plan';
import type { Refs } from './refs';
import { deployRmqWorker } from './rmq-worker';
import { deploySqsQueue } from './sqs-queue';

/** The region's `aws.Provider`: every regional resource is created through it. */
export function regionOptions(plan: RegionPlan, c: SstComponents): ResourceOptions {
  return { provider: new c.aws.Provider(plan.providerName, { region: plan.awsRegion }) };
}

/**
 * The region's Amazon MQ broker, if any. Created for every region before any function: the region
 * catalogue every function carries names each region's broker endpoint (`{ref:<Prefix>Broker...}`).
 */
export function deployRegionBroker(
  plan: RegionPlan,
  c: SstComponents,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  namePrefix: string,
  opts: ResourceOptions,
) {
  if (plan.amazonMq) createAmazonMq(plan.amazonMq, c, refs, secrets, namePrefix, opts);
}

/**
 * One warren region's queues and functions, in dependency order (a placeholder must be registered
 * before a function's environment mentions it).
 */
export function deployRegion(
  plan: RegionPlan,
  c: SstComponents,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  opts: ResourceOptions,
) {
  for (const q of plan.sqsQueues) deploySqsQueue(q, c, refs, secrets, opts);
  // One credentials secret per region, however many queues its triggers consume (Pulumi refuses
  // two resources of one type and name).
  for (const name of new Set(plan.rmqWorkers.map((w) => w.credentialsSecretName)))
    createMqTriggerCredentials(name, plan.amazonMq!, c, refs, secrets, opts);
  for (const w of plan.rmqWorkers) deployRmqWorker(w, plan.amazonMq!, c, refs, secrets, opts);
  const ingest = deployIngest(plan.ingest, c, refs, secrets, opts);
  if (plan.forwarder) deployForwarder(plan.forwarder, c, refs, secrets, opts);
  return { ingestUrl: ingest.url };
}
