import type { QueueStats, QueueStatsFn } from '../metrics/types';

/**
 * One broker read per queue per `ttlMs`, shared by every scrape and /status.json in that time. A
 * read is a passive declare on a channel opened for it: unshared, each open dashboard (polling
 * every 1.5 s) and each Prometheus replica added a channel open/close per queue per poll. A
 * failed read is shared as unknown (undefined) too, so a broker in trouble is not asked more.
 * A read still out is shared however long it takes (the ttl counts from its answer): on a slow
 * broker each poll used to open another channel beside the ones still waiting.
 */
export function sharedQueueStats(read: QueueStatsFn, ttlMs = 500, now = Date.now): QueueStatsFn {
  const recent = new Map<string, { at?: number; stats: Promise<QueueStats | undefined> }>();
  return (queue) => {
    const hit = recent.get(queue);
    if (hit && (hit.at === undefined || now() - hit.at < ttlMs)) return hit.stats;
    const entry: { at?: number; stats: Promise<QueueStats | undefined> } = {
      stats: Promise.resolve()
        .then(() => read(queue))
        .catch(() => undefined)
        .finally(() => {
          entry.at = now();
        }),
    };
    recent.set(queue, entry);
    return entry.stats;
  };
}
