import { TransportError } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsConsumer } from './consumer';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

const PORT = 26691;
let sqs: LocalSqs;

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

describe('poll consumer on a queue that does not exist', () => {
  it('consume() rejects with a non-recoverable TransportError instead of polling it forever', async () => {
    const errors: unknown[] = [];
    const consumer = createSqsConsumer({
      client: sqs.client,
      queueUrls: { gone: `${sqs.endpoint}/123456789012/no-such-queue-${Date.now()}` },
      waitTimeS: 1,
      onError: (e) => errors.push(e),
    });
    try {
      const out: unknown = await consumer
        .consume('gone', async (d) => d.ack())
        .then(
          (sub) => sub.close().then(() => 'subscribed'),
          (err: unknown) => err,
        );
      expect(out).toBeInstanceOf(TransportError);
      expect((out as TransportError).recoverable).toBe(false);
      expect((out as Error).message).toMatch(/QueueDoesNotExist|NonExistentQueue/);
    } finally {
      await consumer.close();
    }
  });
});
