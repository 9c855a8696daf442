import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, MAX_MESSAGE_DEPTH, NESTED_TOO_DEEPLY, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

// The ingest refuses bodies nested over 256 levels, but a message can reach a queue by other
// ways (a direct producer, another language, the management UI). One whose input nested 100,000
// deep failed every store write (JSON.stringify's RangeError, read as an outage): handed back
// after a pause, again and again, never run, never dead-lettered, its record never made.
it('a message nested too deeply is dead-lettered with its reason; one just within the limit runs', async () => {
  const run = `deep-${uuidv7().slice(-8)}`;
  const q = `${run}.q`;
  const ran: number[] = [];
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'deep.t',
        queue: q,
        input: z.unknown(),
        handler: (input) => {
          ran.push(JSON.stringify(input).length);
          return 'ok';
        },
      }),
    ],
    queues: { [q]: { type: 'classic' } },
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const redis = new Redis(REDIS_URL);
  const results = createRedisResultStore({ redis, prefix: `${run}:` });
  const worker = createWorker({ config, consumer: broker.consumer, results });
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createConfirmChannel();
  // The envelope is one level; its input nests `levels` more.
  const publish = async (levels: number) => {
    const job = makeJob({ task: 'deep.t', queue: q, input: 0 });
    const nested = `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const body = JSON.stringify(job).replace('"input":0', `"input":${nested}`);
    ch.sendToQueue(q, Buffer.from(body), {
      persistent: true,
      contentType: 'application/json',
      messageId: job.id,
    });
    await ch.waitForConfirms();
    return job.id;
  };
  try {
    await worker.start();
    const tooDeep = await publish(100_000);
    const within = await publish(MAX_MESSAGE_DEPTH - 1);
    await eventually(async () => (await results.get(within))?.state === 'succeeded', 15_000);
    const dead = await eventually(async () => {
      const d = await broker.peekDeadLetters(q);
      return d.length === 1 ? d : undefined;
    }, 15_000);
    expect(dead[0]!.reason).toContain(NESTED_TOO_DEEPLY);
    expect(dead[0]!.messageId).toBe(tooDeep);
    expect(ran).toEqual([2 * (MAX_MESSAGE_DEPTH - 1)]);
    expect((await ch.checkQueue(q)).messageCount).toBe(0);
  } finally {
    await worker.stop(1000);
    await broker.close();
    await conn.close();
    await cleanUpRun(q, redis, `${run}:`);
  }
}, 40_000);
