import { execFileSync } from 'node:child_process';
import { makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { createCeleryCodec } from './celery-codec';
import { CELERY_TASK_ID_NAMESPACE, celeryTaskIdOf, jobIdForCeleryTaskId, uuidv5 } from './celery-task-id';

const message = (id: string) => {
  const { content, properties } = createCeleryCodec().encode(makeJob({ task: 'demo.add', input: [2, 3] }));
  return { content, properties: { ...properties, headers: { ...properties.headers, id } } } as never;
};

describe('Celery custom task ids', () => {
  it('derive the UUIDv5 Python derives (uuid.uuid5 in the documented namespace)', () => {
    expect(uuidv5('order-123')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    // Python is the reference (the namespace is itself a uuid5); skipped where there is none.
    let py: string | undefined;
    try {
      py = execFileSync('python3', [
        '-c',
        `import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, 'warren:celery-task-id'), uuid.uuid5(uuid.UUID('${CELERY_TASK_ID_NAMESPACE}'), 'order-123 ü'))`,
      ]).toString();
    } catch {}
    if (py) expect(py.trim()).toBe(`${CELERY_TASK_ID_NAMESPACE} ${uuidv5('order-123 ü')}`);
  });

  it('leave a UUID or ULID task id as the job id, with no key', () => {
    for (const id of ['0f8fad5b-d9cb-469f-a165-70867728950e', '01ARZ3NDEKTSV4RRFFQ69G5FAV'])
      expect(jobIdForCeleryTaskId(id)).toEqual({ id });
  });

  it('decode to the derived id with the client id as key; the same id twice is the same job', () => {
    const codec = createCeleryCodec({ queue: 'celery' });
    const a = codec.decode(message('order-123'));
    const b = codec.decode(message('order-123'));
    expect(a.ok && a.job).toMatchObject({
      id: uuidv5('order-123'),
      idempotencyKey: 'celery-task-id:order-123',
    });
    expect(b.ok && b.job.id).toBe(a.ok && a.job.id);
  });

  it('encode a derived job (a retry, a deferral) under the client id, which decodes to the same job', () => {
    const codec = createCeleryCodec({ queue: 'celery' });
    const first = codec.decode(message('order-123'));
    if (!first.ok) throw new Error(first.reason);
    const out = codec.encode({ ...first.job, attempt: 2 });
    expect(out.properties.headers).toMatchObject({ id: 'order-123', root_id: 'order-123' });
    expect(out.properties.correlationId).toBe('order-123');
    expect(out.properties.messageId).toBe(first.job.id);
    const again = codec.decode(out as never);
    expect(again.ok && again.job).toMatchObject({
      id: first.job.id,
      attempt: 2,
      idempotencyKey: 'celery-task-id:order-123',
    });
  });

  it('a key that does not derive the job id names no Celery id (an HTTP producer chose it)', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(celeryTaskIdOf({ id, idempotencyKey: 'celery-task-id:order-123' })).toBe(id);
    expect(celeryTaskIdOf({ id })).toBe(id);
  });
});
