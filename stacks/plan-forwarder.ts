import type { Region, WarrenConfig } from '@warren/core';
import { type BrokerSource, ENV, type ForwardLinkEnv } from './functions/shared/deploy-env';
import { brokerSecrets } from './plan-brokers';
import { fn, LIMITS } from './plan-shared';
import type { ForwarderPlan, SqsQueuePlan } from './plan-types';

/**
 * What this region's drain moves: queues homed elsewhere go to their home region's broker; queues
 * with an SQS worker here go from this region's broker into their SQS queue.
 */
export function forwardLinks(
  config: WarrenConfig,
  r: Region,
  sqs: SqsQueuePlan[],
  aws: string,
): ForwardLinkEnv[] {
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

/**
 * Queues this drain forwards whose `messageTtlMs` is shorter than a job may wait for a drain: the
 * broker would expire (dead-letter) jobs published between two runs before any drain moved them,
 * where `warren forward` moves them at once. Each queue is reported once (`reported`).
 */
export function drainTtlProblems(
  config: WarrenConfig,
  links: ForwardLinkEnv[],
  reported: Set<string>,
): string[] {
  const minMs = LIMITS.drainMaxWaitS * 1000;
  const out: string[] = [];
  for (const { queue } of links) {
    const ttl = config.queues[queue]?.messageTtlMs;
    if (ttl === undefined || ttl >= minMs || reported.has(queue)) continue;
    reported.add(queue);
    out.push(
      `queues.${queue}.messageTtlMs: ${ttl} ms is shorter than a job may wait on the broker for the region's forward drain (run ${LIMITS.drainSchedule}, then its start and the hop beyond it: ${LIMITS.drainMaxWaitS} s): jobs published between two drains would expire before they are forwarded; set at least ${minMs}, or leave it out`,
    );
  }
  return out;
}

/** The region's drain function (only the brokers it talks to) and its schedule. */
export function forwarderPlan(
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
    // The SQS sink checks its queue with GetQueueAttributes before it sends anything.
    drain.permissions = [
      {
        actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        resources: sqs.map((q) => `{ref:${q.name}.arn}`),
      },
    ];
  }
  return { drain, schedule: LIMITS.drainSchedule, cronName: `${prefix}ForwardSchedule` };
}
