import { type AnyTask, DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS, type QueueConfig } from '@warren/core';
import { type BrokerSource, ENV, SECRET } from './functions/shared/deploy-env';
import { fn, LIMITS, pascal } from './plan-shared';
import type { RmqWorkerPlan, SqsQueuePlan } from './plan-types';

/* The per-queue part of the plan: which Lambda worker consumes a queue, its timeout, and the
   SQS queue or Amazon MQ trigger worker it gets in one region. */

/** Which Lambda worker consumes a queue, if any; problems are reported once (first region). */
export function lambdaConsumer(name: string, q: QueueConfig, problems: string[], report: boolean) {
  const consumer = q.lambda?.consumer ?? (q.sqs ? 'sqs' : undefined);
  if (!report) return consumer;
  if (consumer === 'sqs' && !q.sqs) {
    problems.push(
      `queues.${name}.lambda.consumer is "sqs" but the queue is not bridged into SQS: set queues.${name}.sqs`,
    );
  }
  if (consumer === 'rmq' && q.sqs) {
    problems.push(
      `queues.${name}: sqs and lambda.consumer "rmq" both set; a queue is consumed either from SQS or straight from Amazon MQ`,
    );
  }
  return consumer;
}

export function workerTimeout(name: string, tasks: AnyTask[], problems: string[], report: boolean): number {
  const longest = tasks.length > 0 ? Math.max(...tasks.map((t) => t.timeoutMs)) : DEFAULT_TIMEOUT_MS;
  const timeoutS = Math.ceil(longest / 1000) + LIMITS.workerSlackS;
  if (report) {
    for (const t of tasks) {
      if (!t.handler) {
        problems.push(`queues.${name}: task ${t.name} has no handler, so a Lambda worker cannot run it`);
      }
      if (Math.ceil(t.timeoutMs / 1000) + LIMITS.workerSlackS > LIMITS.lambdaMaxTimeoutS) {
        problems.push(
          `queues.${name}: task ${t.name} timeoutMs ${t.timeoutMs} plus ${LIMITS.workerSlackS} s exceeds Lambda's ${LIMITS.lambdaMaxTimeoutS} s limit; run this queue on a long-running worker`,
        );
      }
    }
  }
  return Math.min(timeoutS, LIMITS.lambdaMaxTimeoutS);
}

export interface WorkerBase {
  region: string;
  prefix: string;
  queue: string;
  timeoutS: number;
  memoryMb?: number;
}

export function sqsQueuePlan(
  b: WorkerBase,
  q: QueueConfig,
  tasks: AnyTask[],
  problems: string[],
): SqsQueuePlan {
  const fifo = typeof q.sqs === 'object' && q.sqs.fifo;
  const size = q.lambda?.batchSize ?? LIMITS.sqsDefaultBatch;
  const windowS = q.lambda?.batchingWindowS ?? 0;
  const at = `queues.${b.queue}.lambda`;
  if (fifo && size > LIMITS.sqsFifoMaxBatch) problems.push(`${at}.batchSize: FIFO queues take at most 10`);
  if (fifo && windowS > 0) problems.push(`${at}.batchingWindowS: FIFO queues have no batching window`);
  if (!fifo && size > 10 && windowS < 1) {
    problems.push(`${at}.batchingWindowS: a batchSize above 10 needs a batching window of at least 1 s`);
  }
  const attempts = tasks.length === 0 ? [DEFAULT_MAX_ATTEMPTS] : tasks.map((t) => t.retry.maxAttempts);
  const maxReceiveCount = redriveMaxReceiveCount(attempts);
  const name = `${b.prefix}${pascal(b.queue)}Queue`;
  const worker = fn(`${b.prefix}${pascal(b.queue)}SqsWorker`, 'sqs-worker', {
    timeoutS: b.timeoutS,
    memoryMb: b.memoryMb ?? LIMITS.workerMemoryMb,
    // No queue names or URLs: each record names its queue (eventSourceARN), the DLQ comes from
    // the queue's redrive policy, and the task from the envelope.
    environment: { [ENV.region]: b.region },
    links: [SECRET.upstashUrl, SECRET.upstashToken],
  });
  worker.permissions = [
    // What an SQS event source mapping needs, plus retries via visibility changes, plus
    // SendMessage: a defer or a retry past 12 h sends a copy of the message to this queue.
    {
      actions: [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ],
      resources: [`{ref:${name}.arn}`],
    },
    // The worker dead-letters a job that used its last attempt itself (with the reason).
    { actions: ['sqs:SendMessage', 'sqs:GetQueueUrl'], resources: [`{ref:${name}Dlq.arn}`] },
  ];
  return {
    queue: b.queue,
    name,
    fifo,
    visibilityTimeoutS: Math.min(LIMITS.sqsMaxVisibilityS, LIMITS.visibilityFactor * b.timeoutS + windowS),
    retentionS: sourceRetentionS(maxReceiveCount),
    dlq: { name: `${name}Dlq`, retentionS: LIMITS.dlqRetentionS },
    maxReceiveCount,
    worker,
    batch: { size, windowS, partialResponses: true },
  };
}

/**
 * An SQS queue's redrive maxReceiveCount for tasks allowing `attempts`: every attempt the tasks
 * allow plus one, and never fewer than AWS advises: with 1 (tasks that do not retry), one
 * invocation that died sent its whole batch to the DLQ unrun, with no reason. The one more: a run
 * lost on the last attempt (its worker crashed) is recorded by the worker on the receive after it
 * (WorkerLostError, the job failed into the DLQ with why); with none left, SQS's redrive moved the
 * message to the DLQ unseen, without a reason, its record left `running`.
 */
export function redriveMaxReceiveCount(attempts: number[]): number {
  // A task of 1000 attempts (the most there are) keeps SQS's limit: there the last receive is its
  // last attempt, as before.
  const wanted = Math.max(LIMITS.sqsMinReceiveCount, ...attempts.map((n) => n + 1));
  return Math.min(LIMITS.sqsMaxReceiveCount, wanted);
}

/**
 * A standard queue's messages expire by their first enqueue time, hidden or not (AWS SQS developer
 * guide), 4 days by default. A retry or a deferral keeps the message in place, hidden up to 12 h per
 * receive (longer waits, and the last receive, become fresh copies), so with 10 receives a job still
 * retrying could be deleted unseen, its record left `retrying`. Kept for every receive's 12 h plus a
 * day of backlog, at least the default (so the DLQ's 14 days stay longer, as AWS advises for the
 * redrive, which keeps the timestamp) and at most SQS's 14 days. Past 26 receives that is short of
 * every receive's 12 h: there the worker sends a fresh copy instead of hiding a message that would
 * come back within an hour of its retention's end (@warren/sqs outlivesRetention).
 */
export function sourceRetentionS(maxReceiveCount: number): number {
  const needed = maxReceiveCount * LIMITS.sqsMaxVisibilityS + LIMITS.sqsBacklogAllowanceS;
  return Math.min(LIMITS.sqsMaxRetentionS, Math.max(LIMITS.sqsDefaultRetentionS, needed));
}

export function rmqWorkerPlan(
  b: WorkerBase,
  q: QueueConfig,
  source: BrokerSource,
  catalogue: string,
): RmqWorkerPlan {
  const name = `${b.prefix}${pascal(b.queue)}RmqWorker`;
  const secretName = `${b.prefix}MqTriggerCredentials`;
  return {
    queue: b.queue,
    worker: {
      ...fn(name, 'rmq-worker', {
        timeoutS: b.timeoutS,
        memoryMb: b.memoryMb ?? LIMITS.workerMemoryMb,
        environment: {
          [ENV.region]: b.region,
          [ENV.regions]: catalogue,
          [ENV.brokerSources]: JSON.stringify({ [b.region]: source }),
        },
        links: [SECRET.upstashUrl, SECRET.upstashToken, SECRET.mqUsername, SECRET.mqPassword],
      }),
      // What Lambda's Amazon MQ trigger needs on the function's role (AWS Lambda developer guide).
      permissions: [
        { actions: ['mq:DescribeBroker'], resources: [`{ref:${b.prefix}Broker.arn}`] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [`{ref:${secretName}.arn}`] },
        {
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DeleteNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSecurityGroups',
            'ec2:DescribeSubnets',
            'ec2:DescribeVpcs',
          ],
          resources: ['*'],
        },
      ],
    },
    credentialsSecretName: secretName,
    mapping: {
      name: `${name}Trigger`,
      batchSize: q.lambda?.batchSize ?? LIMITS.rmqDefaultBatch,
      batchingWindowS: q.lambda?.batchingWindowS ?? LIMITS.rmqDefaultWindowS,
      virtualHost: '/',
    },
  };
}
