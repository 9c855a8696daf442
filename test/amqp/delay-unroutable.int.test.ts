import { randomInt } from 'node:crypto';
import { type AmqpBroker, createAmqpBroker, DUE_EXCHANGE, PARKED_DELAYS_QUEUE, tierName } from '@warren/amqp';
import { eventually, makeJob } from '@warren/core/testing';
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `dun-${FILE_ID}-${Math.random().toString(36).slice(2, 6)}`;
// A tier length unique to this run, so the tier queue is ours alone on the shared broker.
const TIER = 1500 + Math.floor(Math.random() * 90) + 1;
// At-least-once dead-lettering keeps ~32 unconfirmed messages in flight per tier: more than that
// stuck on a deleted queue used to stop the whole tier, for every queue.
const STRANDED = 40;

describe('a delayed job whose queue was deleted meanwhile', () => {
  let broker: AmqpBroker;
  let conn: ChannelModel;
  let ch: Channel;
  const gone = `${RUN}-gone`;
  const alive = `${RUN}-alive`;

  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [URL], healthIntervalMs: 0, delayTiersMs: [TIER] });
    await broker.connect();
    conn = await amqp.connect(URL);
    ch = await conn.createChannel();
  });

  afterAll(async () => {
    await broker.close();
    // Our parked messages (routing key = our queues) out of the shared parking queue.
    for (let m = await ch.get(PARKED_DELAYS_QUEUE); m; m = await ch.get(PARKED_DELAYS_QUEUE)) {
      if (m.fields.routingKey.startsWith(RUN)) ch.ack(m);
      else {
        ch.nack(m, false, true);
        break;
      }
    }
    for (const q of [gone, `${gone}.dlq`, alive, `${alive}.dlq`, tierName(TIER)])
      await ch.deleteQueue(q).catch(() => {});
    await ch.deleteExchange(tierName(TIER)).catch(() => {});
    await conn.close();
  });

  it('is parked with its queue name, and the tier keeps moving for other queues', async () => {
    await broker.ensureQueue(gone);
    await broker.ensureQueue(alive);
    await Promise.all(
      Array.from({ length: STRANDED }, (_, i) =>
        broker.publisher.publish(gone, makeJob({ queue: gone, input: { i } }), { delayMs: TIER }),
      ),
    );
    await ch.deleteQueue(gone); // an operator removes a queue while its delayed jobs wait
    await ch.deleteQueue(`${gone}.dlq`);
    await broker.publisher.publish(alive, makeJob({ queue: alive }), { delayMs: TIER });

    // The tier drains: the live queue gets its job, the deleted one's jobs wait in the parking
    // queue with their routing key (the queue they were for) and their due time.
    await eventually(async () => (await ch.checkQueue(alive)).messageCount === 1, 15_000);
    const parked: GetMessage[] = [];
    await eventually(async () => {
      const m = await ch.get(PARKED_DELAYS_QUEUE);
      if (m) {
        if (m.fields.routingKey === gone) parked.push(m);
        else ch.nack(m, false, true);
      }
      return parked.length === STRANDED;
    }, 15_000);
    expect((await ch.checkQueue(tierName(TIER))).messageCount).toBe(0);
    for (const m of parked) expect(m.properties.headers?.['x-warren-due']).toBeTypeOf('number');

    // The README's way back: the queue declared again (a worker starts), the parked jobs moved to
    // the due exchange with their own routing key (what a shovel without dest-exchange-key does).
    const again = createAmqpBroker({ urls: [URL], healthIntervalMs: 0, delayTiersMs: [TIER] });
    await again.connect();
    await again.ensureQueue(gone);
    await again.close();
    for (const m of parked) {
      ch.publish(DUE_EXCHANGE, m.fields.routingKey, m.content, m.properties);
      ch.ack(m);
    }
    await eventually(async () => (await ch.checkQueue(gone)).messageCount === STRANDED, 10_000);
  });
});
