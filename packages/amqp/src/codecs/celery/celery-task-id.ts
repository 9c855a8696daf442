import { createHash } from 'node:crypto';
import { JOB_ID_PATTERN, type JobEnvelope } from '@warren/core';

/**
 * Celery takes any string as a task id (`apply_async(task_id='order-123')`); warren's job ids
 * must be UUIDs or ULIDs (DESIGN's envelope contract). A custom id runs under its UUIDv5 in this
 * namespace — deterministic, so a repeat of the same Celery message is the same job (run once),
 * and Python computes it with `uuid.uuid5(NS, task_id)`. The namespace is
 * `uuid.uuid5(uuid.NAMESPACE_URL, 'warren:celery-task-id')`.
 */
export const CELERY_TASK_ID_NAMESPACE = '76f5ab5a-80ba-57cd-b3b5-662530ca3d3b';

/**
 * The client's own id rides in the envelope's `idempotencyKey` as `celery-task-id:<id>` (no new
 * envelope field, and it means what an idempotency key means: the same key is the same job). The
 * job record keeps it, so @warren/results' Celery metas find the client's id in the record with
 * no lookup (it has the same constant: results does not depend on amqp).
 */
export const CELERY_TASK_ID_KEY_PREFIX = 'celery-task-id:';

/** Longest custom id whose key fits `idempotencyKey` (256). */
export const MAX_CELERY_TASK_ID = 256 - CELERY_TASK_ID_KEY_PREFIX.length;

const NS_BYTES = Buffer.from(CELERY_TASK_ID_NAMESPACE.replace(/-/g, ''), 'hex');

/** RFC 9562 UUIDv5 (SHA-1 of namespace + name), as Python's `uuid.uuid5`. */
export function uuidv5(name: string): string {
  const b = createHash('sha1').update(NS_BYTES).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A Celery task id as warren's job id and key: a UUID/ULID as is (no key), else its UUIDv5. */
export function jobIdForCeleryTaskId(taskId: string): { id: string; idempotencyKey?: string } {
  if (JOB_ID_PATTERN.test(taskId)) return { id: taskId };
  return { id: uuidv5(taskId), idempotencyKey: `${CELERY_TASK_ID_KEY_PREFIX}${taskId}` };
}

/** The Celery task id of a job: its custom id when the job runs under that id's UUIDv5, else its id. */
export function celeryTaskIdOf(job: Pick<JobEnvelope, 'id' | 'idempotencyKey'>): string {
  const key = job.idempotencyKey;
  if (!key?.startsWith(CELERY_TASK_ID_KEY_PREFIX)) return job.id;
  const taskId = key.slice(CELERY_TASK_ID_KEY_PREFIX.length);
  return uuidv5(taskId) === job.id ? taskId : job.id;
}
