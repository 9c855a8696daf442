import { secretValue } from './amazon-mq';
import type { FunctionLike, QueueLike, ResourceOptions, SecretLike, SstComponents } from './components';
import type { RmqWorkerPlan, SqsQueuePlan } from './plan';
import type { Refs } from './refs';

/** Raw SQS → Lambda event source mapping with partial batch responses (`batchItemFailures`). */
export function createSqsTrigger(
  plan: SqsQueuePlan,
  queue: QueueLike,
  worker: FunctionLike,
  c: Pick<SstComponents, 'aws'>,
  opts: ResourceOptions,
) {
  return new c.aws.lambda.EventSourceMapping(
    `${plan.worker.name}Trigger`,
    {
      eventSourceArn: queue.arn,
      functionName: worker.arn,
      batchSize: plan.batch.size,
      maximumBatchingWindowInSeconds: plan.batch.windowS,
      functionResponseTypes: plan.batch.partialResponses ? ['ReportBatchItemFailures'] : [],
    },
    opts,
  );
}

/**
 * The credentials Lambda's Amazon MQ trigger logs in with: it reads them from Secrets Manager only,
 * so the SST secrets are copied into one. One per region (every trigger on the broker shares it).
 * Registers `{ref:<name>.arn}` from the secret's version (on AWS the same ARN as the secret's), so
 * whatever names it, the trigger above all, is created only once the credentials are stored: a
 * trigger that logs in before the value exists fails EVENT_SOURCE_AUTHN_ERROR, which stops its
 * consumer for good (AWS Lambda guide, "Troubleshoot Amazon MQ event source mapping errors").
 */
export function createMqTriggerCredentials(
  name: string,
  mq: { usernameSecret: string; passwordSecret: string },
  c: Pick<SstComponents, 'aws' | 'output'>,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  opts: ResourceOptions,
) {
  const secret = new c.aws.secretsmanager.Secret(name, { recoveryWindowInDays: 0 }, opts);
  const version = new c.aws.secretsmanager.SecretVersion(
    `${name}Version`,
    {
      secretId: secret.arn,
      secretString: c
        .output([secretValue(secrets, mq.usernameSecret), secretValue(secrets, mq.passwordSecret)])
        .apply(([username, password]) => JSON.stringify({ username, password })),
    },
    opts,
  );
  refs.set(name, { arn: version.arn });
  return secret;
}

/** Raw Amazon MQ (RabbitMQ) → Lambda event source mapping on one queue of the region's broker. */
export function createRmqTrigger(
  plan: RmqWorkerPlan,
  worker: FunctionLike,
  c: Pick<SstComponents, 'aws'>,
  refs: Refs,
  brokerName: string,
  opts: ResourceOptions,
) {
  return new c.aws.lambda.EventSourceMapping(
    plan.mapping.name,
    {
      eventSourceArn: refs.resolve(`{ref:${brokerName}.arn}`),
      functionName: worker.arn,
      queues: plan.queue,
      batchSize: plan.mapping.batchSize,
      maximumBatchingWindowInSeconds: plan.mapping.batchingWindowS,
      sourceAccessConfigurations: [
        { type: 'BASIC_AUTH', uri: refs.resolve(`{ref:${plan.credentialsSecretName}.arn}`) },
        { type: 'VIRTUAL_HOST', uri: plan.mapping.virtualHost },
      ],
    },
    opts,
  );
}
