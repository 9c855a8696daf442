import type { QueueStats, QueueStatsFn } from '../metrics/types';

type CheckQueue = { checkQueue(name: string): Promise<{ messageCount: number; consumerCount: number }> };
type Depth = { depth(name: string): number; deadLetters?(name: string): readonly unknown[] };

/**
 * A `queueStats` callback for whatever broker object a runtime holds: the AMQP adapter's
 * `checkQueue` (passive declare: depth and consumers from RabbitMQ), the memory broker's `depth`
 * (consumers then come from `consumers`, e.g. the queues this process's worker consumes).
 * Also the depth of the queue's DLQ (`<queue>.dlq`, as amqp's dlqName): the dead letters that
 * wait there, whichever process put them there and since when (the failure counters are this
 * process's since it started, and an ingest runs no job).
 */
export function queueStatsFrom(
  broker: unknown,
  consumers?: (queue: string) => number | undefined,
  /** How long the DLQ's read may add to the queue's (AMQP). */
  dlqBudgetMs = 1000,
): QueueStatsFn | undefined {
  if (broker && typeof (broker as CheckQueue).checkQueue === 'function') {
    const b = broker as CheckQueue;
    return async (q): Promise<QueueStats | undefined> => {
      const r = await b.checkQueue(q);
      // After the queue's own read: a queue not declared yet has no DLQ either, and each passive
      // declare of a missing queue is a channel error in the broker's log.
      // Bounded apart: the queue's read may have taken most of the broker's 5 s already, and
      // /status.json answers within that (the dashboard gives up at 10 s). Late: unknown, not 0.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const dlq = await Promise.race([
        b.checkQueue(`${q}.dlq`).catch(() => undefined),
        new Promise<undefined>((r) => {
          timer = setTimeout(() => r(undefined), dlqBudgetMs);
        }),
      ]).finally(() => clearTimeout(timer));
      return { messageCount: r.messageCount, consumerCount: r.consumerCount, deadLetters: dlq?.messageCount };
    };
  }
  if (broker && typeof (broker as Depth).depth === 'function') {
    const b = broker as Depth;
    return (q) => ({
      messageCount: b.depth(q),
      consumerCount: consumers?.(q),
      deadLetters: b.deadLetters?.(q).length,
    });
  }
  return undefined;
}
