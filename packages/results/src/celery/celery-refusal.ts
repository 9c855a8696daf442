import type { JobRecord, ResultStore } from '@warren/core';
import { buildCeleryMeta, type CeleryMeta } from './celery-meta';

/**
 * A Celery message warren's worker refused (moved to `<queue>.dlq` unrun): a pickle body, protocol
 * 1, an unreadable header, a task id over 241 characters. The amqp Celery codec's `onRefused` has
 * this shape.
 */
export interface CeleryRefusal {
  taskId: string;
  task?: string;
  queue?: string;
  reason: string;
  /** Other task ids the client may wait on (a refused chain's next steps, a chord's callback). */
  alsoTaskIds?: readonly string[];
}

/** The exception type Python sees (no builtin: Celery makes a class of this name). */
export const REFUSED_EXC_TYPE = 'MessageRefused';

/**
 * The FAILURE meta for a refused message, the reason as the exception, so `AsyncResult.get()`
 * raises at once: no warren record exists for it.
 */
export function refusalMeta(r: CeleryRefusal, now = new Date(), taskId = r.taskId): CeleryMeta {
  const where = r.queue ? ` (moved to ${r.queue}.dlq)` : '';
  const via = taskId === r.taskId ? '' : ` (not run: refused with task ${r.taskId})`;
  const record: JobRecord = {
    id: taskId,
    task: r.task ?? 'unknown',
    queue: r.queue ?? 'unknown',
    state: 'failed',
    attempts: 1,
    enqueuedAt: now.toISOString(),
    error: { type: REFUSED_EXC_TYPE, message: `${r.reason}${where}${via}`, retryable: false },
  };
  return buildCeleryMeta({ id: taskId, status: 'FAILURE', record, now });
}

/**
 * The codec's `onRefused` for a result store with Celery metas (`withCeleryResults`): writes the
 * FAILURE meta, reporting a failed write to `onError` (the message is in the DLQ either way).
 * Undefined for a store without Celery metas (no Celery queue in the config).
 */
export function celeryRefusalSink(
  results: ResultStore,
  onError: (err: unknown, r: CeleryRefusal) => void = (err, r) =>
    console.error(`Celery meta FAILURE for refused task ${r.taskId} not written:`, err),
): ((r: CeleryRefusal) => Promise<void>) | undefined {
  const store = results as Partial<{ refused(r: CeleryRefusal): Promise<void> }>;
  if (typeof store.refused !== 'function') return undefined;
  const refused = store.refused.bind(results);
  return (r) =>
    refused(r).catch((err: unknown) => {
      onError(err, r);
    });
}
