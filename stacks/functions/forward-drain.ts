/**
 * Lambda entry: scheduled forwarder "drain". Runs this region's forwarder links (the same code as
 * `warren forward`) until the invocation's remaining time runs short or there is nothing left to
 * move, then stops consuming, settles what is in flight and returns. Unconfirmed messages stay
 * unacked at the source and are picked up by the next run (at-least-once).
 * Links come from WARREN_FORWARD_LINKS (set by the deploy plan), else from the bundled config;
 * broker URLs from the region catalogue with the linked secrets (see shared/deploy-env.ts).
 * SQS endpoint and credentials: the AWS SDK's own settings (AWS_ENDPOINT_URL_SQS for a local API).
 * Not run against real AWS here (no access); tested with real RabbitMQ and local-aws-sqs.
 */
import { type DrainResult, drain, type LinkSpec, linksFromConfig } from '@warren/forwarder';
import type { Context } from 'aws-lambda';
import { ENV, type ForwardLinkEnv } from './shared/deploy-env';
import { drainPrefetch } from './shared/drain-prefetch';
import { lambdaLogger, startupFailed } from './shared/lambda-logs';
import { loadWorkerConfig, workerEnv } from './shared/worker-env';

/** Time kept back from Lambda's deadline for closing connections after settling. */
const SAFETY_MS = 2000;

const logger = lambdaLogger('warren-forwarder');

export interface DrainSummary {
  stoppedBecause: DrainResult['stoppedBecause'];
  links: { name: string; forwarded: number; deadLettered: number; lag?: number; lastError?: string }[];
}

export async function handler(
  _event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<DrainSummary> {
  const links = await plannedLinks().catch(startupFailed(logger));
  const remaining = context.getRemainingTimeInMillis();
  const result = await drain({
    links,
    deadlineMs: Date.now() + remaining - SAFETY_MS,
    settleMs: Math.min(5000, Math.max(500, remaining / 10)),
    // As `warren forward` logs its links: running and standby at info, a restart (the link's error) at warn.
    log: (m, level = 'info') => logger[level](m),
  });
  // What a run did, per link: a scheduled function's return value is not logged anywhere.
  for (const l of result.links) {
    const { name, forwarded, deadLettered, lag, lastError } = l;
    logger[lastError ? 'warn' : 'info'](
      { link: name, stoppedBecause: result.stoppedBecause, forwarded, deadLettered, lag, lastError },
      'link drained',
    );
  }
  return {
    stoppedBecause: result.stoppedBecause,
    links: result.links.map(({ name, forwarded, deadLettered, lag, lastError }) => ({
      name,
      forwarded,
      deadLettered,
      lag,
      lastError,
    })),
  };
}

/**
 * This region's links: the plan's (WARREN_FORWARD_LINKS), else those the bundled config implies,
 * each with the prefetch this function's memory allows (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, MB).
 */
export async function plannedLinks(): Promise<LinkSpec[]> {
  const env = workerEnv();
  const config = await loadWorkerConfig(env);
  const planned = env[ENV.forwardLinks];
  const links = planned
    ? linksFromEnv(JSON.parse(planned) as ForwardLinkEnv[], config.regions, config.queues)
    : linksFromConfig(config, { region: config.region });
  const memoryMb = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) || DEFAULT_MEMORY_MB;
  const prefetch = drainPrefetch(memoryMb, links.length, config.ingest.bodyLimitBytes);
  return links.map((l) => ({ ...l, prefetch: Math.min(l.prefetch ?? prefetch, prefetch) }));
}

/** Lambda's default memory, for a run outside Lambda (the plan gives the drain 512 MB). */
const DEFAULT_MEMORY_MB = 512;

/**
 * The deploy plan's link descriptions, with broker URLs looked up in the region catalogue and each
 * source queue's type in the config's queues (as linksFromConfig gives it): a missing `<queue>.dlq`
 * is declared with it. Without it a classic queue's DLQ was declared quorum, and warren's next
 * declare of that queue failed for good (its arguments cannot change).
 */
export function linksFromEnv(
  links: ForwardLinkEnv[],
  regions: { id: string; brokers: string[] }[],
  queues: Record<string, { type?: 'quorum' | 'classic' }> = {},
): LinkSpec[] {
  const brokers = (id: string) => {
    const b = regions.find((r) => r.id === id)?.brokers ?? [];
    if (b.length === 0) throw new Error(`forward-drain: no broker URLs for region ${id}`);
    return b;
  };
  return links.map((l) => ({
    name: l.name,
    source: { urls: brokers(l.from), queue: l.queue, region: l.from, type: queues[l.queue]?.type },
    destination:
      l.to.kind === 'sqs'
        ? { kind: 'sqs', queueUrl: l.to.queueUrl, fifo: l.to.fifo, awsRegion: l.to.awsRegion, region: l.from }
        : { kind: 'amqp', urls: brokers(l.to.region), queue: l.queue, region: l.to.region },
  }));
}
