import { ValidationError } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { enqueueMany } from './enqueue-many';

const producer = {
  enqueue: () => Promise.reject(new Error('not reached')),
};

describe('enqueueMany', () => {
  it("refuses no items and over 1,000 with the batch route's 400 (POST /v1/jobs/batch answers the same)", async () => {
    for (const [items, message] of [
      [[], 'Too small: expected array to have >=1 items'],
      [Array.from({ length: 1001 }, () => ({})), 'Too big: expected array to have <=1000 items'],
    ] as const) {
      const err = await enqueueMany(producer, items).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).toProblem()).toMatchObject({
        status: 400,
        detail: 'a batch holds 1 to 1000 jobs',
        errors: [{ path: 'jobs', message }],
      });
    }
  });
});
