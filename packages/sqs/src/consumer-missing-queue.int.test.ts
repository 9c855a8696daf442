import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { TransportError } from '@warren/core';
import { eventually } from '@warren/core/testing';
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

  it('close() does not sit out the pause after a failed receive (queue deleted while consuming)', async () => {
    const q = await sqs.createQueue(`deleted-${Date.now()}`);
    const errors: unknown[] = [];
    const consumer = createSqsConsumer({
      client: sqs.client,
      queueUrls: { q: q.url },
      waitTimeS: 1,
      onError: (e) => errors.push(e),
    });
    const sub = await consumer.consume('q', async (d) => d.ack());
    await sqs.client.send(new DeleteQueueCommand({ QueueUrl: q.url }));
    await eventually(() => expect(errors.length).toBeGreaterThan(0), 5000);
    const t0 = Date.now();
    await sub.close();
    await consumer.close();
    // Was up to 1 s: the pause before the next receive ignored the close.
    expect(Date.now() - t0).toBeLessThan(200);
  });
});
