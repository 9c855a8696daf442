import type { ResourceOptions, SecretLike, SstComponents } from './components';
import { createRmqTrigger } from './event-sources';
import { createFunction } from './function';
import type { RmqWorkerPlan } from './plan';
import type { AmazonMqPlan } from './plan-types';
import type { Refs } from './refs';

/** A queue consumed straight from Amazon MQ: the worker and its RabbitMQ trigger (credentials: see region.ts). */
export function deployRmqWorker(
  w: RmqWorkerPlan,
  mq: AmazonMqPlan,
  c: SstComponents,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  opts: ResourceOptions,
) {
  const worker = createFunction(w.worker, c, refs, secrets, opts);
  createRmqTrigger(w, worker, c, refs, mq.name, opts);
  return { worker };
}
