import { randomInt } from 'node:crypto';
import { eventually, makeJob } from '@warren/core/testing';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeParked, withParkedQueue } from '../../../../test/support/parked-queue';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';
import { tierName } from '../topology/delay-tiers';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `rpk-${FILE_ID}-${Math.random().toString(36).slice(2, 6)}`;
// A tier length of this run's own, so the tier queue is ours alone on the shared broker.
const TIER = 1600 + Math.floor(Math.random() * 90) + 1;

describe('parked delayed jobs (warren parked)', () => {
  let broker: AmqpBroker;
  let conn: ChannelModel;
  let ch: Channel;
  const gone = `${RUN}-gone`;
  const mine = (r: Awaited<ReturnType<AmqpBroker['parked']>>) => r.queues.find((q) => q.queue === gone);

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [URL], healthIntervalMs: 0, delayTiersMs: [TIER] });
    await broker.connect();
    conn = await amqp.connect(URL);
    ch = await conn.createChannel();
  });

  afterAll(async () => {
    await broker.close();
    await withParkedQueue(() => takeParked(conn, (queue) => queue.startsWith(RUN)));
    for (const q of [gone, `${gone}.dlq`, tierName(TIER)]) await ch.deleteQueue(q).catch(() => {});
    await ch.deleteExchange(tierName(TIER)).catch(() => {});
    await conn.close();
  });

  // Alone among the files reading the parking queue (see withParkedQueue).
  it(
    'are listed by queue, kept while the queue is gone, and sent back (all of them, once) when it exists again',
    () =>
      withParkedQueue(async () => {
        await broker.ensureQueue(gone);
        const jobs = Array.from({ length: 3 }, (_, i) => makeJob({ queue: gone, input: { i } }));
        for (const j of jobs) await broker.publisher.publish(gone, j, { delayMs: TIER });
        await ch.deleteQueue(gone); // an operator removes the queue while its delayed jobs wait
        await ch.deleteQueue(`${gone}.dlq`);

        const parked = await eventually(async () => {
          const e = mine(await broker.parked());
          return e?.count === 3 ? e : undefined;
        }, 15_000);
        expect(parked).toEqual({ queue: gone, count: 3, exists: false, released: 0, refused: 0 });

        // Released while the queue is still gone: nothing moves, nothing is lost.
        expect(mine(await broker.parked({ release: true, only: gone }))).toMatchObject({
          count: 3,
          released: 0,
        });

        // Declared again by hand (no binding to the due exchange): sent straight to it.
        await ch.assertQueue(gone, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        expect(mine(await broker.parked({ release: true, only: gone }))).toEqual({
          queue: gone,
          count: 3,
          exists: true,
          released: 3,
          refused: 0,
        });
        await eventually(async () => (await ch.checkQueue(gone)).messageCount === 3, 5_000);
        expect(mine(await broker.parked())).toBeUndefined();
        const ids: string[] = [];
        for (let m = await ch.get(gone); m; m = await ch.get(gone)) {
          ids.push(String(m.properties.messageId));
          expect(m.properties.headers?.['x-warren-due']).toBeTypeOf('number'); // its due time kept
          ch.ack(m);
        }
        expect(ids.sort()).toEqual(jobs.map((j) => j.id).sort());
      }),
    70_000,
  );
});
