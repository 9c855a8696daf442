import type { WarrenConfig } from '@warren/core';
import { type BrokerSource, ENV, SECRET } from './functions/shared/deploy-env';
import { brokerSecrets, brokerSource } from './plan-brokers';
import { envSizeProblems } from './plan-env-size';
import { drainTtlProblems, forwarderPlan, forwardLinks } from './plan-forwarder';
import { lambdaConsumer, rmqWorkerPlan, sqsQueuePlan, workerTimeout } from './plan-queues';
import { secretsFor } from './plan-secrets';
import { fn, LIMITS, pascal } from './plan-shared';
import type { CatalogueRegion, DeploymentPlan, RegionPlan, RmqWorkerPlan, SqsQueuePlan } from './plan-types';

export { LIMITS, pascal } from './plan-shared';
export type * from './plan-types';

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

export class DeployPlanError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot plan the deployment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DeployPlanError';
  }
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

  // An enqueue: claim its key, publish (failing over region by region), write its record. Ended
  // by Lambda's timeout after the broker confirmed, the client got an error for an accepted job
  // and sent it again (a duplicate, without an idempotency key).
  const publishMs = config.ingest.publishTimeoutMs * config.regions.length;
  const enqueueS = Math.ceil(publishMs / 1000) + 2 * LIMITS.storeCommandTimeoutS;
  const enqueueMaxS = LIMITS.lambdaMaxTimeoutS - LIMITS.ingestSlackS;
  if (enqueueS > enqueueMaxS) {
    const most = Math.floor(((enqueueMaxS - 2 * LIMITS.storeCommandTimeoutS) * 1000) / config.regions.length);
    problems.push(
      `ingest.publishTimeoutMs: ${config.ingest.publishTimeoutMs} ms per region × ${config.regions.length} regions, plus two result-store commands of up to ${LIMITS.storeCommandTimeoutS} s, makes an enqueue longer than Lambda's ${LIMITS.lambdaMaxTimeoutS} s: the ingest would be ended after the broker confirmed, and the client's retry would enqueue the job twice; lower it to at most ${most}`,
    );
  }

  // A request event over Lambda's payload limit never reaches the function: AWS refuses it itself.
  const bodyMax = LIMITS.lambdaMaxPayloadBytes - LIMITS.lambdaEventFieldsBytes;
  if (config.ingest.bodyLimitBytes > bodyMax) {
    problems.push(
      `ingest.bodyLimitBytes: ${config.ingest.bodyLimitBytes} bytes, but a Lambda invocation takes at most ${LIMITS.lambdaMaxPayloadBytes} bytes of request event: a larger body is refused by AWS before the ingest runs (no problem+json), so the limit cannot hold; lower it to at most ${bodyMax} (quotes and backslashes in a body count twice in the event, so keep well below)`,
    );
  }

  const ttlReported = new Set<string>();
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
    problems.push(...drainTtlProblems(config, links, ttlReported));
    const ingestLinks = [SECRET.apiKeys, SECRET.upstashUrl, SECRET.upstashToken, ...brokerSecrets(sources)];
    const region: RegionPlan = {
      id: r.id,
      prefix,
      awsRegion: awsRegions.get(r.id)!,
      providerName: `${prefix}Aws`,
      broker: source,
      ingest: {
        ...fn(`${prefix}Ingest`, 'ingest', {
          timeoutS: Math.min(
            LIMITS.lambdaMaxTimeoutS,
            Math.max(LIMITS.ingestLongPollS, enqueueS) + LIMITS.ingestSlackS,
          ),
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

  // A catalogue over its own limit already says so; every function would repeat it.
  const catalogueTooBig = problems.some((p) => p.startsWith('regions: the region catalogue takes'));
  for (const r of catalogueTooBig ? [] : regions) {
    const fns = [r.ingest, ...r.sqsQueues.map((q) => q.worker), ...r.rmqWorkers.map((w) => w.worker)];
    problems.push(...envSizeProblems(r.forwarder ? [...fns, r.forwarder.drain] : fns));
  }
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
