import { type AmqpBroker, createAmqpBroker, deadLetterProperties, dlqName, warrenCodec } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type PrivateRedis, startPrivateRedis } from '../../../../test/support/private-redis';
import { replayDeadLetters } from './dlq-replay';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const Q = `h57-dlqo-${uuidv7().slice(-8)}`;
const config = defineConfig({
  queues: { [Q]: {} },
  tasks: [defineTask({ name: 'h57.any', queue: Q, input: z.unknown() })],
});
let broker: AmqpBroker;
let redis: PrivateRedis;

beforeAll(async () => {
  redis = await startPrivateRedis('dlq replay store outage');
  broker = createAmqpBroker({ urls: [AMQP], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
});
afterAll(async () => {
  await broker?.close();
  await redis?.stop();
  const admin = await amqp.connect(AMQP);
  const ch = await admin.createChannel();
  for (const q of [Q, dlqName(Q)]) await ch.deleteQueue(q).catch(() => {});
  await admin.close();
});

describe('dlq replay while the result store is down', () => {
  it('enqueues nothing, stops at the first refusal and leaves every letter in the DLQ', async () => {
    const jobs = [1, 2].map((n) => makeJob({ task: 'h57.any', queue: Q, input: { n } }));
    for (const job of jobs) {
      const msg = warrenCodec.encode(job);
      const props = deadLetterProperties({ properties: msg.properties as never }, Q, 'boom');
      await broker.sendDeadLetter(Q, msg.content, props);
    }
    const results = createRedisResultStore({ redis: redis.url, prefix: `${Q}:` });
    await redis.stop();
    const producer = createProducer({
      config,
      publishers: new Map([[config.region, broker.publisher]]),
      results,
    });
    const t0 = Date.now();
    const report = await replayDeadLetters(await broker.takeDeadLetters(Q, 10), producer.enqueue, Q);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(report.outcomes).toMatchObject([
      { kind: 'failed', oldId: jobs[0]!.id, error: expect.stringMatching(/^result store claim failed/) },
      { kind: 'failed', oldId: jobs[1]!.id, error: 'not attempted (see above)' },
    ]);
    expect(report.endError).toBeUndefined();
    // Handed back: a quorum queue counts them again a moment later.
    await eventually(async () => (await broker.checkQueue(dlqName(Q))).messageCount === 2, 5000);
    expect((await broker.checkQueue(Q)).messageCount).toBe(0);
    await results.close().catch(() => {});
  }, 30_000);
});
