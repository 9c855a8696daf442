import type { QueueStats, QueueStatsFn } from '../metrics/types';

/**
 * One broker read per queue per `ttlMs`, shared by every scrape and /status.json in that time. A
 * read is a passive declare on a channel opened for it: unshared, each open dashboard (polling
 * every 1.5 s) and each Prometheus replica added a channel open/close per queue per poll. A
 * failed read is shared as unknown (undefined) too, so a broker in trouble is not asked more.
 */
export function sharedQueueStats(read: QueueStatsFn, ttlMs = 500, now = Date.now): QueueStatsFn {
  const recent = new Map<string, { at: number; stats: Promise<QueueStats | undefined> }>();
  return (queue) => {
    const hit = recent.get(queue);
    if (hit && now() - hit.at < ttlMs) return hit.stats;
    const stats = Promise.resolve()
      .then(() => read(queue))
      .catch(() => undefined);
    recent.set(queue, { at: now(), stats });
    return stats;
  };
}
