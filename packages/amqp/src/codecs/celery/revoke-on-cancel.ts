import type { JobRecord, QueueConfig } from '@warren/core';
import { type CeleryRevokerOptions, createCeleryRevoker } from './celery-revoke';
import { celeryTaskIdOf } from './celery-task-id';

/**
 * `cancelJob`'s `onCancelled` for a config's `protocol: 'celery'` queues (the ingest's DELETE, the
 * direct client's cancel): a Celery revoke broadcast, so a Python worker that holds the job (an
 * ETA it waits for, a prefetched message) or receives it later skips it instead of running it and
 * overwriting the REVOKED meta. Sent on every given cluster (each region's broker: a job may sit
 * where it landed or where a forwarder moved it), each confirmed; any failure rejects, naming it.
 * Undefined when the config has no Celery queue or no broker.
 *
 * Celery's own limit holds: a worker keeps revoked ids in memory only (unless started with
 * `--statedb`), so a worker that starts after the broadcast, or restarts, runs the task.
 */
export function celeryRevokeOnCancel(
  config: { queues: Record<string, Pick<QueueConfig, 'protocol'>> },
  brokers: Iterable<{ nodes(): readonly { url: string }[] }>,
  opts: Omit<CeleryRevokerOptions, 'urls'> = {},
): ((rec: Pick<JobRecord, 'id' | 'queue' | 'idempotencyKey'>) => Promise<void>) | undefined {
  const celery = new Set(
    Object.entries(config.queues)
      .filter(([, q]) => q.protocol === 'celery')
      .map(([name]) => name),
  );
  if (celery.size === 0) return undefined;
  const revokers = [...brokers]
    .map((b) => b.nodes().map((n) => n.url))
    .filter((urls) => urls.length > 0)
    .map((urls) => createCeleryRevoker({ ...opts, urls }));
  if (revokers.length === 0) return undefined;
  return async (rec) => {
    if (!celery.has(rec.queue)) return;
    // Workers know a job run under a custom Celery id's UUIDv5 by the custom id (its message's).
    const taskId = celeryTaskIdOf(rec);
    const outcomes = await Promise.allSettled(revokers.map((r) => r.revoke(taskId)));
    const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    if (failed.length === 1) throw failed[0];
    if (failed.length > 1)
      throw new AggregateError(failed, `Celery revoke of ${taskId} failed on ${failed.length} brokers`);
  };
}
