import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun, REDIS_URL } from '../ingest/support';

const RUN = `h61-hdr-${uuidv7().slice(-8)}`;
const q = `${RUN}.q`;
const redis = new Redis(REDIS_URL);

afterAll(() => cleanUpRun(q, redis, `${RUN}:`));

// Header values amqplib reads from a message but cannot write back: a double that is NaN,
// -Infinity or below -2^63 is guessed an int64, which BigInt or the buffer refuses. A foreign producer's message carrying one could not be republished: its hop through the
// delay tiers (notBefore) failed every time and it was requeued after a pause, for ever, never run.
const oddHeaders = {
  'x-huge-neg': { '!': 'double', value: -1e19 },
  'x-list': [{ '!': 'double', value: -2e19 }],
  'x-table': { inner: { '!': 'double', value: -1e300 } },
};

it('a message whose headers amqplib cannot write back is still hopped, run and dead-lettered', async () => {
  const ran: unknown[] = [];
  const task = defineTask({
    name: 'hdr.t',
    queue: q,
    input: z.unknown(),
    handler: (input) => {
      ran.push(input);
      return 'ok';
    },
  });
  const config = defineConfig({ tasks: [task], queues: { [q]: { type: 'classic' } } });
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
  const worker = createWorker({ config, consumer: broker.consumer, results });
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createConfirmChannel();
  const send = async (body: string, messageId: string) => {
    ch.sendToQueue(q, Buffer.from(body), {
      persistent: true,
      contentType: 'application/json',
      messageId,
      headers: oddHeaders,
    });
    await ch.waitForConfirms();
  };
  try {
    await worker.start();
    const later = makeJob({
      task: 'hdr.t',
      queue: q,
      input: 1,
      notBefore: new Date(Date.now() + 1500).toISOString(),
    });
    await send(JSON.stringify(later), later.id);
    await send('not json', 'poison-1');
    await eventually(async () => (await results.get(later.id))?.state === 'succeeded', 15_000);
    expect(ran).toEqual([1]);
    const dead = await eventually(async () => {
      const d = await broker.peekDeadLetters(q);
      return d.length === 1 ? d : undefined;
    }, 10_000);
    expect(dead[0]!.reason).toMatch(/^body is not JSON/);
  } finally {
    await worker.stop(1000);
    await broker.close();
    await conn.close();
  }
}, 40_000);
