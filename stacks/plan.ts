import {
  type AnyTask,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TIMEOUT_MS,
  type QueueConfig,
  type Region,
  type WarrenConfig,
} from '@warren/core';
import { type BrokerSource, ENV, type ForwardLinkEnv, SECRET } from './functions/shared/deploy-env';
import type {
  CatalogueRegion,
  DeploymentPlan,
  ForwarderPlan,
  FunctionEntry,
  FunctionPlan,
  RegionPlan,
  RmqWorkerPlan,
  SecretPlan,
  SqsQueuePlan,
} from './plan-types';

export type * from './plan-types';

/** AWS limits and warren's deploy defaults (the numbers the tests pin down). */
export const LIMITS = {
  lambdaMaxTimeoutS: 900,
  /** Added to the longest task timeout: result write, ack, cold start. */
  workerSlackS: 10,
  /** AWS: a queue's visibility timeout should be at least 6× its function's timeout. */
  visibilityFactor: 6,
  sqsMaxVisibilityS: 43_200,
  sqsDefaultBatch: 10,
  sqsFifoMaxBatch: 10,
  rmqDefaultBatch: 10,
  rmqDefaultWindowS: 1,
  dlqRetentionS: 14 * 24 * 3600,
  /** Lambda's environment is capped at 4 KB; the catalogue must leave room for the rest. */
  catalogueMaxBytes: 3072,
  ingestMemoryMb: 1024,
  workerMemoryMb: 1024,
  drainMemoryMb: 512,
  drainTimeoutS: 50,
  drainSchedule: 'rate(1 minute)',
  /** The ingest's long-poll (`?wait=`) waits up to 30 s. */
  ingestLongPollS: 30,
} as const;

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const FUNCTIONS_DIR = '.build/functions';

export class DeployPlanError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot plan the deployment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DeployPlanError';
  }
}

/** `eu-west.1:a` → `EuWest1A`: component names allow only letters and digits. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/**
 * The deployment a warren config asks for. Pure: the same config always gives the same plan, and
 * every invalid combination is reported at once, each problem naming the config path to fix.
 */
export function planDeployment(config: WarrenConfig): DeploymentPlan {
  const problems: string[] = [];
  if (config.regions.length === 0) {
    throw new DeployPlanError(['regions: list at least one region (id, location, awsRegion) to deploy']);
  }
  uniqueNames(
    config.regions.map((r) => [r.id, pascal(r.id)]),
    'regions',
    problems,
  );
  uniqueNames(
    Object.keys(config.queues).map((q) => [q, pascal(q)]),
    'queues',
    problems,
  );

  const sources = new Map<string, BrokerSource>();
  const awsRegions = new Map<string, string>();
  config.regions.forEach((r, i) => {
    const aws = r.awsRegion ?? r.sqs?.awsRegion ?? (AWS_REGION.test(r.id) ? r.id : undefined);
    if (!aws) problems.push(`regions[${i}] (${r.id}): set awsRegion (the id is not an AWS region name)`);
    awsRegions.set(r.id, aws ?? r.id);
    sources.set(r.id, brokerSource(r, i, problems));
  });

  const catalogue: CatalogueRegion[] = config.regions.map((r) => ({
    id: r.id,
    location: r.location,
    brokers: sources.get(r.id)?.kind === 'config' ? r.brokers : [],
    ...(r.weight !== undefined ? { weight: r.weight } : {}),
  }));
  const catalogueJson = JSON.stringify(catalogue);
  const sourcesJson = JSON.stringify(Object.fromEntries(sources));
  if (catalogueJson.length + sourcesJson.length > LIMITS.catalogueMaxBytes) {
    problems.push(
      `regions: the region catalogue takes ${catalogueJson.length + sourcesJson.length} bytes, more than the ${LIMITS.catalogueMaxBytes} that fit in Lambda's 4 KB environment`,
    );
  }

  const regions: RegionPlan[] = config.regions.map((r) => {
    const prefix = pascal(r.id);
    const source = sources.get(r.id)!;
    const sqsQueues: SqsQueuePlan[] = [];
    const rmqWorkers: RmqWorkerPlan[] = [];
    for (const [name, q] of Object.entries(config.queues)) {
      if (q.homeRegion && q.homeRegion !== r.id) continue;
      const consumer = lambdaConsumer(name, q, problems, r.id === config.regions[0]!.id);
      if (!consumer) continue;
      const tasks = [...config.tasks.values()].filter((t) => t.queue === name);
      const timeoutS = workerTimeout(name, tasks, problems, r.id === config.regions[0]!.id);
      const base = { region: r.id, prefix, queue: name, timeoutS, memoryMb: q.lambda?.memoryMb };
      if (consumer === 'sqs') sqsQueues.push(sqsQueuePlan(base, q, tasks, problems));
      else if (!r.amazonMq) {
        problems.push(
          `queues.${name}.lambda.consumer is "rmq" but region ${r.id} has no amazonMq broker (Lambda's RabbitMQ trigger needs Amazon MQ)`,
        );
      } else rmqWorkers.push(rmqWorkerPlan(base, q, source, catalogueJson));
    }
    const links = forwardLinks(config, r, sqsQueues, awsRegions.get(r.id)!);
    const ingestLinks = [SECRET.apiKeys, SECRET.upstashUrl, SECRET.upstashToken, ...brokerSecrets(sources)];
    const publishS = Math.ceil((config.ingest.publishTimeoutMs * config.regions.length) / 1000);
    const region: RegionPlan = {
      id: r.id,
      prefix,
      awsRegion: awsRegions.get(r.id)!,
      providerName: `${prefix}Aws`,
      broker: source,
      ingest: {
        ...fn(`${prefix}Ingest`, 'ingest', {
          timeoutS: Math.min(LIMITS.lambdaMaxTimeoutS, Math.max(LIMITS.ingestLongPollS, publishS) + 5),
          memoryMb: LIMITS.ingestMemoryMb,
          environment: {
            [ENV.region]: r.id,
            [ENV.regions]: catalogueJson,
            [ENV.brokerSources]: sourcesJson,
          },
          links: ingestLinks,
        }),
        url: true,
      },
      sqsQueues,
      rmqWorkers,
    };
    if (r.amazonMq) {
      region.amazonMq = {
        name: `${prefix}Broker`,
        engineType: 'RabbitMQ',
        engineVersion: r.amazonMq.engineVersion,
        hostInstanceType: r.amazonMq.instanceType,
        deploymentMode: r.amazonMq.deploymentMode === 'cluster' ? 'CLUSTER_MULTI_AZ' : 'SINGLE_INSTANCE',
        publiclyAccessible: r.amazonMq.publiclyAccessible,
        autoMinorVersionUpgrade: true,
        usernameSecret: SECRET.mqUsername,
        passwordSecret: SECRET.mqPassword,
      };
    }
    if (links.length > 0)
      region.forwarder = forwarderPlan(prefix, r.id, links, sources, catalogueJson, sqsQueues);
    return region;
  });

  if (problems.length > 0) throw new DeployPlanError(problems);
  return { secrets: secretsFor(config, sources), regions, catalogue };
}

function uniqueNames(pairs: Array<[string, string]>, what: string, problems: string[]) {
  const seen = new Map<string, string>();
  for (const [name, key] of pairs) {
    const other = seen.get(key);
    if (other !== undefined) {
      problems.push(`${what}: "${other}" and "${name}" give the same resource name ${key}; rename one`);
    }
    seen.set(key, name);
  }
}

function brokerSource(r: Region, i: number, problems: string[]): BrokerSource {
  const prefix = pascal(r.id);
  if (r.amazonMq) {
    if (r.brokers.length > 0) {
      problems.push(`regions[${i}] (${r.id}): brokers and amazonMq both set; keep one`);
    }
    if (r.amazonMq.deploymentMode === 'cluster' && /^mq\.t3\./.test(r.amazonMq.instanceType)) {
      problems.push(
        `regions[${i}].amazonMq: ${r.amazonMq.instanceType} supports only deploymentMode "single"; use mq.m5.large or larger for a cluster`,
      );
    }
    if (!r.amazonMq.publiclyAccessible) {
      problems.push(
        `regions[${i}].amazonMq.publiclyAccessible: false needs the functions inside the broker's VPC, which the stacks do not wire; keep it true (TLS and the broker user still apply)`,
      );
    }
    return {
      kind: 'amazon-mq',
      endpoint: `{ref:${prefix}Broker.endpoint}`,
      usernameSecret: SECRET.mqUsername,
      passwordSecret: SECRET.mqPassword,
    };
  }
  if (r.brokers.length === 0) return { kind: 'secret', secret: `WarrenBrokers${prefix}` };
  r.brokers.forEach((url, j) => {
    if (new URL(url).password) {
      problems.push(
        `regions[${i}].brokers[${j}] holds a password: remove the region's brokers from the config and set the secret WarrenBrokers${prefix} instead`,
      );
    }
  });
  return { kind: 'config' };
}

function brokerSecrets(sources: Map<string, BrokerSource>): string[] {
  const out = new Set<string>();
  for (const s of sources.values()) {
    if (s.kind === 'secret') out.add(s.secret);
    if (s.kind === 'amazon-mq') {
      out.add(s.usernameSecret);
      out.add(s.passwordSecret);
    }
  }
  return [...out];
}

function secretsFor(config: WarrenConfig, sources: Map<string, BrokerSource>): SecretPlan[] {
  const secrets: SecretPlan[] = [
    {
      name: SECRET.apiKeys,
      purpose: 'comma-separated API keys for the ingest (`key` or `key:task-pattern|pattern`)',
      // Keys listed in the config already satisfy the ingest; the secret may then stay empty.
      ...(config.auth.keys.length > 0 ? { placeholder: '' } : {}),
    },
    { name: SECRET.upstashUrl, purpose: 'Upstash Redis REST URL (results)' },
    { name: SECRET.upstashToken, purpose: 'Upstash Redis REST token (results)' },
  ];
  for (const [region, s] of sources) {
    if (s.kind === 'secret') {
      secrets.push({
        name: s.secret,
        purpose: `comma-separated amqps:// node URLs of region ${region}'s broker`,
      });
    }
  }
  if ([...sources.values()].some((s) => s.kind === 'amazon-mq')) {
    secrets.push(
      { name: SECRET.mqUsername, purpose: 'Amazon MQ broker user name' },
      { name: SECRET.mqPassword, purpose: 'Amazon MQ broker password (12+ characters)' },
    );
  }
  return secrets;
}

/** Which Lambda worker consumes a queue, if any; problems are reported once (first region). */
function lambdaConsumer(name: string, q: QueueConfig, problems: string[], report: boolean) {
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

function workerTimeout(name: string, tasks: AnyTask[], problems: string[], report: boolean): number {
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

interface WorkerBase {
  region: string;
  prefix: string;
  queue: string;
  timeoutS: number;
  memoryMb?: number;
}

function sqsQueuePlan(b: WorkerBase, q: QueueConfig, tasks: AnyTask[], problems: string[]): SqsQueuePlan {
  const fifo = typeof q.sqs === 'object' && q.sqs.fifo;
  const size = q.lambda?.batchSize ?? LIMITS.sqsDefaultBatch;
  const windowS = q.lambda?.batchingWindowS ?? 0;
  const at = `queues.${b.queue}.lambda`;
  if (fifo && size > LIMITS.sqsFifoMaxBatch) problems.push(`${at}.batchSize: FIFO queues take at most 10`);
  if (fifo && windowS > 0) problems.push(`${at}.batchingWindowS: FIFO queues have no batching window`);
  if (!fifo && size > 10 && windowS < 1) {
    problems.push(`${at}.batchingWindowS: a batchSize above 10 needs a batching window of at least 1 s`);
  }
  const maxReceiveCount = Math.max(1, ...tasks.map((t) => t.retry.maxAttempts));
  const name = `${b.prefix}${pascal(b.queue)}Queue`;
  const worker = fn(`${b.prefix}${pascal(b.queue)}SqsWorker`, 'sqs-worker', {
    timeoutS: b.timeoutS,
    memoryMb: b.memoryMb ?? LIMITS.workerMemoryMb,
    environment: {
      [ENV.region]: b.region,
      [ENV.queue]: b.queue,
      [ENV.sqsQueues]: JSON.stringify({
        [b.queue]: { url: `{ref:${name}.url}`, dlqUrl: `{ref:${name}Dlq.url}`, fifo },
      }),
    },
    links: [SECRET.upstashUrl, SECRET.upstashToken],
  });
  worker.permissions = [
    // What an SQS event source mapping needs, plus retries via visibility changes.
    {
      actions: [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
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
    dlq: { name: `${name}Dlq`, retentionS: LIMITS.dlqRetentionS },
    maxReceiveCount: tasks.length === 0 ? DEFAULT_MAX_ATTEMPTS : maxReceiveCount,
    worker,
    batch: { size, windowS, partialResponses: true },
  };
}

function rmqWorkerPlan(
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
          [ENV.queue]: b.queue,
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

/**
 * What this region's drain moves: queues homed elsewhere go to their home region's broker; queues
 * with an SQS worker here go from this region's broker into their SQS queue.
 */
function forwardLinks(config: WarrenConfig, r: Region, sqs: SqsQueuePlan[], aws: string): ForwardLinkEnv[] {
  const links: ForwardLinkEnv[] = [];
  for (const [queue, q] of Object.entries(config.queues)) {
    if (q.homeRegion && q.homeRegion !== r.id) {
      links.push({
        name: `${queue}:${r.id}->${q.homeRegion}`,
        queue,
        from: r.id,
        to: { kind: 'amqp', region: q.homeRegion },
      });
    }
  }
  for (const s of sqs) {
    links.push({
      name: `${s.queue}:${r.id}->sqs`,
      queue: s.queue,
      from: r.id,
      to: { kind: 'sqs', queueUrl: `{ref:${s.name}.url}`, fifo: s.fifo, awsRegion: aws },
    });
  }
  return links;
}

function forwarderPlan(
  prefix: string,
  region: string,
  links: ForwardLinkEnv[],
  sources: Map<string, BrokerSource>,
  catalogueJson: string,
  sqs: SqsQueuePlan[],
): ForwarderPlan {
  // Only the brokers this drain talks to: its own and the home regions it forwards to.
  const involved = new Set([region, ...links.flatMap((l) => (l.to.kind === 'amqp' ? [l.to.region] : []))]);
  const used = new Map([...sources].filter(([id]) => involved.has(id)));
  const drain = fn(`${prefix}ForwardDrain`, 'forward-drain', {
    timeoutS: LIMITS.drainTimeoutS,
    memoryMb: LIMITS.drainMemoryMb,
    environment: {
      [ENV.region]: region,
      [ENV.regions]: catalogueJson,
      [ENV.brokerSources]: JSON.stringify(Object.fromEntries(used)),
      [ENV.forwardLinks]: JSON.stringify(links),
    },
    links: brokerSecrets(used),
  });
  if (sqs.length > 0) {
    drain.permissions = [
      { actions: ['sqs:SendMessage', 'sqs:GetQueueUrl'], resources: sqs.map((q) => `{ref:${q.name}.arn}`) },
    ];
  }
  return { drain, schedule: LIMITS.drainSchedule, cronName: `${prefix}ForwardSchedule` };
}

function fn(
  name: string,
  entry: FunctionEntry,
  o: Pick<FunctionPlan, 'timeoutS' | 'memoryMb' | 'environment' | 'links'>,
): FunctionPlan {
  return {
    name,
    entry,
    bundle: `${FUNCTIONS_DIR}/${entry}`,
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    permissions: [],
    ...o,
    links: [...new Set(o.links)].sort(),
  };
}
