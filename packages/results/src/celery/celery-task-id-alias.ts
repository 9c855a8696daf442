import type { JobRecord } from '@warren/core';

/**
 * The amqp Celery codec runs a Celery message whose task id is not a UUID/ULID
 * (`apply_async(task_id='order-123')`) under the id's UUIDv5 and keeps the client's id in the
 * job's `idempotencyKey` as `celery-task-id:<id>` (@warren/amqp's CELERY_TASK_ID_KEY_PREFIX; the
 * same string here, since results does not depend on amqp).
 */
export const CELERY_TASK_ID_KEY_PREFIX = 'celery-task-id:';

/** A UUIDv5: what the codec derives (a key alone, e.g. from an HTTP producer, does not alias). */
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The task id the Celery client knows for a job, under which its meta is written: the custom id
 * for a job the codec derived from one, else the job id. A string test for every other job: no
 * lookup, no hash.
 */
export function celeryMetaIdOf(rec: Pick<JobRecord, 'id' | 'idempotencyKey'>): string {
  const key = rec.idempotencyKey;
  if (key === undefined || !key.startsWith(CELERY_TASK_ID_KEY_PREFIX) || !UUID_V5.test(rec.id)) return rec.id;
  return key.slice(CELERY_TASK_ID_KEY_PREFIX.length);
}
