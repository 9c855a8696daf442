import { randomInt } from 'node:crypto';
import type { Delivery } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { dlqName } from '../topology/queue-arguments';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h54-qdel-${FILE_ID}`;
const Q2 = `h73-qargs-${FILE_ID}`;

/**
 * An operator deletes a queue a worker consumes (to empty it, or by mistake): RabbitMQ cancels the
 * consumer. Celery's worker declares the queue again on its next consume; so must warren's.
 */
describe('a consumed queue deleted under the consumer (shared node)', () => {
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;
  const events: AmqpEvent[] = [];
  const got: string[] = [];

  beforeAll(async () => {
    broker = createAmqpBroker({
      urls: [URL],
      queues: { [Q]: { type: 'classic' }, [Q2]: { type: 'classic' } },
      healthIntervalMs: 0,
      onEvent: (e) => events.push(e),
    });
    await broker.connect();
    admin = await amqp.connect(URL);
  });

  afterAll(async () => {
    await broker.close();
    const ch = await admin.createChannel();
    for (const q of [Q, dlqName(Q), Q2, dlqName(Q2)]) await ch.deleteQueue(q).catch(() => {});
    await admin.close();
  });

  /** The queue's consumers, or undefined while it does not exist. */
  const consumers = async () => {
    const ch = await admin.createChannel();
    ch.on('error', () => {});
    const n = await ch.checkQueue(Q).then(
      (r) => r.consumerCount,
      () => undefined,
    );
    await ch.close().catch(() => {});
    return n;
  };

  it('is declared again and consumed, and jobs published after reach the consumer', async () => {
    await broker.consumer.consume(Q, async (d: Delivery) => {
      got.push(d.job.id);
      await d.ack();
    });
    expect(await consumers()).toBe(1);
    const ch = await admin.createChannel();
    await ch.deleteQueue(Q);
    await ch.close();
    await eventually(() => events.some((e) => e.type === 'consumer-error'), 5000);
    // The first restart comes 1 s after the cancel (restart-delay.ts).
    await eventually(async () => (await consumers()) === 1, 10_000, 200);
    const job = makeJob({ queue: Q });
    await broker.publisher.publish(Q, job);
    await eventually(() => got.includes(job.id), 5000);
  }, 30_000);

  /**
   * Deleted and declared again by someone else with other arguments (no dead-letter exchange):
   * each restart's declare is refused (PRECONDITION_FAILED). The real `warren worker` logged the
   * cancel, then nothing while it consumed nothing for minutes.
   */
  it('says why it cannot consume the queue again after a cancel, on each try', async () => {
    await broker.consumer.consume(Q2, async (d) => d.ack());
    const ch = await admin.createChannel();
    await ch.deleteQueue(Q2);
    await ch.assertQueue(Q2, { durable: true });
    await ch.close();
    const refusals = () =>
      events.filter(
        (e) => e.type === 'consumer-error' && e.queue === Q2 && /PRECONDITION_FAILED/.test(e.error),
      );
    // Restarts come 1 s, then 2 s after the cancel (restart-delay.ts).
    await eventually(() => refusals().length >= 2, 10_000, 100);
    expect(refusals()[0]).toMatchObject({ queue: Q2, error: expect.stringMatching(/retrying in \d+ s/) });
  }, 20_000);
});
