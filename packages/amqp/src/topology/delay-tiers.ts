/** 1 s, 5 s, 30 s, 2 min, 10 min, 1 h — plus 250 ms so short retries stay short. */
export const DEFAULT_DELAY_TIERS_MS = [250, 1000, 5000, 30_000, 120_000, 600_000, 3_600_000];

/**
 * Queue (and fanout exchange) holding messages for one fixed delay. `v2`: the tiers dead-letter
 * through DUE_EXCHANGE; a queue's arguments cannot change, so the tiers of the first layout
 * (`warren.delay.<ms>`, dead-lettering through the default exchange) keep their name and drain.
 */
export const tierName = (ms: number) => `warren.delay.v2.${ms}`;

/**
 * The tier of one queue with a length limit (`maxLength`): its own, not the shared one. A full
 * queue refuses what its tier dead-letters, at-least-once dead-lettering keeps retrying those, and
 * ~32 of them stop the tier: in a shared tier every other queue's delays and retries stopped
 * while that queue stayed full. In its own tier only that queue's wait, as they would anyway.
 */
export const queueTierName = (ms: number, queue: string) => `${tierName(ms)}.${queue}`;

/** Direct exchange every work queue is bound to by its own name: where an expired delay goes. */
export const DUE_EXCHANGE = 'warren.delay.due';

/**
 * Where a delayed message waits when its queue no longer exists: DUE_EXCHANGE's alternate
 * exchange (a fanout of the same name) and its queue. The message keeps its routing key (the
 * queue it was for) and its due-time header.
 */
export const PARKED_DELAYS_QUEUE = 'warren.delay.parked';

/** Header carrying when a delayed message is due (epoch ms); survives dead-lettering. */
export const DUE_HEADER = 'x-warren-due';

/**
 * The tier for a remaining delay: the largest tier not longer than it (so the message never comes
 * back late by more than the next hop), or the smallest tier when the delay is shorter than all.
 * A message that comes back early is sent through another tier (see the consumer): a 31 s delay
 * goes 30 s, then 1 s; a 3 h delay cascades through the 1 h tier three times.
 */
export function pickTier(tiersMs: readonly number[], remainingMs: number): number {
  const sorted = [...tiersMs].sort((a, b) => a - b);
  let chosen = sorted[0]!;
  for (const t of sorted) if (t <= remainingMs) chosen = t;
  return chosen;
}

/**
 * Tier queue: a fixed `x-message-ttl` (per-message TTL alone would block at the head of the queue
 * behind a longer one), dead-lettered through DUE_EXCHANGE with the message's own routing key.
 * Messages enter through the tier's fanout exchange with routing key = target queue, so the key
 * they keep is the target: each message comes back to ITS queue, one tier queue serves all.
 * Quorum with at-least-once dead-lettering (RabbitMQ ≥ 3.10, needs reject-publish) so a delayed
 * job survives a node loss and is not dropped if the target refuses it for a moment.
 * Not the default exchange: a message whose queue was deleted meanwhile is unroutable there, and
 * at-least-once dead-lettering retries it forever; ~32 of them stopped the whole tier, for every
 * queue. DUE_EXCHANGE's alternate exchange routes them to PARKED_DELAYS_QUEUE instead.
 */
export function tierQueueArguments(
  ms: number,
  type: 'quorum' | 'classic' = 'quorum',
): Record<string, unknown> {
  const args: Record<string, unknown> = {
    'x-queue-type': type,
    'x-message-ttl': ms,
    'x-dead-letter-exchange': DUE_EXCHANGE,
  };
  if (type === 'quorum') {
    args['x-dead-letter-strategy'] = 'at-least-once';
    args['x-overflow'] = 'reject-publish';
  }
  return args;
}
