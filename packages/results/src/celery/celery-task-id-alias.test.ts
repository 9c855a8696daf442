import { describe, expect, it } from 'vitest';
import { celeryMetaIdOf } from './celery-task-id-alias';

// A UUIDv5 (version nibble 5, RFC variant), the shape the amqp codec derives.
const derived = '3a2b6a5e-25b1-5d3c-9d55-0a9e8f1e6a11';

describe('celeryMetaIdOf', () => {
  it("is the client's custom id for a job the codec derived from it", () => {
    expect(celeryMetaIdOf({ id: derived, idempotencyKey: 'celery-task-id:order-123' })).toBe('order-123');
  });

  it('is the job id otherwise: no key, another key, or a key on a job id that is not a UUIDv5', () => {
    const v4 = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(celeryMetaIdOf({ id: v4 })).toBe(v4);
    expect(celeryMetaIdOf({ id: derived, idempotencyKey: 'order-123' })).toBe(derived);
    expect(celeryMetaIdOf({ id: v4, idempotencyKey: 'celery-task-id:order-123' })).toBe(v4);
  });
});
