import type { Region, WarrenConfig } from '@warren/core';
import type { LinkSpec } from './types';

export interface LinksFromConfigOptions {
  /** Only links whose source is in this region (one forwarder per region); default: all. */
  region?: string;
  prefetch?: number;
  /** Confirm channels per AMQP destination (default 8; 1 keeps the source's order). */
  publishChannels?: number;
  /** SQS endpoint override (local-aws-sqs); AWS otherwise. */
  sqsEndpoint?: string;
}

/**
 * The links a config implies:
 * - a queue with `homeRegion` H: from that queue in every other region (with brokers) to H;
 * - a queue with `sqs`: to `<queueUrlPrefix><queue>` (`.fifo` when FIFO) in each region with an
 *   SQS prefix. A queue that also has a home region is bridged into SQS only in its home region:
 *   elsewhere its jobs are on their way home, and two links on one queue would fight for the
 *   exclusive consumer.
 */
export function linksFromConfig(
  config: Pick<WarrenConfig, 'regions' | 'queues'>,
  opts: LinksFromConfigOptions = {},
): LinkSpec[] {
  const byId = new Map(config.regions.map((r) => [r.id, r] as const));
  const links: LinkSpec[] = [];
  const base = opts.prefetch ? { prefetch: opts.prefetch } : {};
  for (const [queue, q] of Object.entries(config.queues)) {
    const home = q.homeRegion ? byId.get(q.homeRegion) : undefined;
    if (home && home.brokers.length > 0) {
      for (const r of config.regions) {
        if (r.id === home.id || r.brokers.length === 0) continue;
        links.push({
          ...base,
          name: `${queue}:${r.id}->${home.id}`,
          source: { urls: r.brokers, queue, region: r.id, ...(q.type ? { type: q.type } : {}) },
          destination: {
            kind: 'amqp',
            urls: home.brokers,
            queue,
            region: home.id,
            ...(opts.publishChannels === undefined ? {} : { channels: opts.publishChannels }),
          },
        });
      }
    }
    if (q.sqs) {
      const fifo = typeof q.sqs === 'object' && q.sqs.fifo;
      const regions: Region[] = home ? [home] : config.regions;
      for (const r of regions) {
        if (!r.sqs?.queueUrlPrefix || r.brokers.length === 0) continue;
        const prefix = r.sqs.queueUrlPrefix.endsWith('/') ? r.sqs.queueUrlPrefix : `${r.sqs.queueUrlPrefix}/`;
        links.push({
          ...base,
          name: `${queue}:${r.id}->sqs`,
          source: { urls: r.brokers, queue, region: r.id, ...(q.type ? { type: q.type } : {}) },
          destination: {
            kind: 'sqs',
            queueUrl: `${prefix}${queue}${fifo ? '.fifo' : ''}`,
            fifo,
            awsRegion: r.sqs.awsRegion,
            region: r.id,
            ...(opts.sqsEndpoint ? { endpoint: opts.sqsEndpoint } : {}),
          },
        });
      }
    }
  }
  return opts.region ? links.filter((l) => l.source.region === opts.region) : links;
}
