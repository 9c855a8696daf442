import type { QueueStats, QueueStatsFn } from '../metrics/types';

type CheckQueue = { checkQueue(name: string): Promise<{ messageCount: number; consumerCount: number }> };
type Depth = { depth(name: string): number };

/**
 * A `queueStats` callback for whatever broker object a runtime holds: the AMQP adapter's
 * `checkQueue` (passive declare: depth and consumers from RabbitMQ), the memory broker's `depth`
 * (consumers then come from `consumers`, e.g. the queues this process's worker consumes).
 */
export function queueStatsFrom(
  broker: unknown,
  consumers?: (queue: string) => number | undefined,
): QueueStatsFn | undefined {
  if (broker && typeof (broker as CheckQueue).checkQueue === 'function') {
    const b = broker as CheckQueue;
    return async (q): Promise<QueueStats | undefined> => {
      const r = await b.checkQueue(q);
      return { messageCount: r.messageCount, consumerCount: r.consumerCount };
    };
  }
  if (broker && typeof (broker as Depth).depth === 'function') {
    const b = broker as Depth;
    return (q) => ({ messageCount: b.depth(q), consumerCount: consumers?.(q) });
  }
  return undefined;
}
