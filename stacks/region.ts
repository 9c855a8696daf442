import { createAmazonMq } from './amazon-mq';
import type { ResourceOptions, SecretLike, SstComponents } from './components';
import { createMqTriggerCredentials, createRmqTrigger, createSqsTrigger } from './event-sources';
import { createFunction } from './function';
import type { RegionPlan } from './plan';
import type { Refs } from './refs';

/**
 * One warren region: everything is created through this region's `aws.Provider`, in dependency
 * order (a placeholder must be registered before a function's environment mentions it).
 */
export function deployRegion(
  plan: RegionPlan,
  c: SstComponents,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  namePrefix: string,
) {
  const opts: ResourceOptions = {
    provider: new c.aws.Provider(plan.providerName, { region: plan.awsRegion }),
  };
  if (plan.amazonMq) createAmazonMq(plan.amazonMq, c, refs, secrets, namePrefix, opts);

  for (const q of plan.sqsQueues) {
    const dlq = new c.Queue(
      q.dlq.name,
      { fifo: q.fifo, transform: { queue: { messageRetentionSeconds: q.dlq.retentionS } } },
      opts,
    );
    const queue = new c.Queue(
      q.name,
      {
        fifo: q.fifo,
        visibilityTimeout: `${q.visibilityTimeoutS} seconds`,
        dlq: { queue: dlq.arn, retry: q.maxReceiveCount },
      },
      opts,
    );
    refs.set(q.dlq.name, { arn: dlq.arn, url: dlq.url });
    refs.set(q.name, { arn: queue.arn, url: queue.url });
    const worker = createFunction(q.worker, c, refs, secrets, opts);
    createSqsTrigger(q, queue, worker, c, opts);
  }

  for (const w of plan.rmqWorkers) {
    createMqTriggerCredentials(w, plan.amazonMq!, c, refs, secrets, opts);
    const worker = createFunction(w.worker, c, refs, secrets, opts);
    createRmqTrigger(w, worker, c, refs, plan.amazonMq!.name, opts);
  }

  const ingest = createFunction(plan.ingest, c, refs, secrets, opts);

  if (plan.forwarder) {
    const drain = createFunction(plan.forwarder.drain, c, refs, secrets, opts);
    new c.Cron(plan.forwarder.cronName, { function: drain.arn, schedule: plan.forwarder.schedule }, opts);
  }
  return { ingestUrl: ingest.url };
}
