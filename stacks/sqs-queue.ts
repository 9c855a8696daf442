import type { ResourceOptions, SecretLike, SstComponents } from './components';
import { createSqsTrigger } from './event-sources';
import { createFunction } from './function';
import type { SqsQueuePlan } from './plan';
import type { Refs } from './refs';

/** One SQS-consumed warren queue: DLQ, queue with redrive, the worker and its event source mapping. */
export function deploySqsQueue(
  q: SqsQueuePlan,
  c: SstComponents,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  opts: ResourceOptions,
) {
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
      transform: { queue: { messageRetentionSeconds: q.retentionS } },
    },
    opts,
  );
  refs.set(q.dlq.name, { arn: dlq.arn, url: dlq.url });
  refs.set(q.name, { arn: queue.arn, url: queue.url });
  const worker = createFunction(q.worker, c, refs, secrets, opts);
  createSqsTrigger(q, queue, worker, c, opts);
  return { queue, dlq, worker };
}
