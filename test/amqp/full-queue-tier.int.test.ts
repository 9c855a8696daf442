import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueMessages } from '../support/rabbit-info';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIER = 500;
/** Past the ~32 refused dead-letters that stop a tier (and the ~32 a quorum queue takes over its limit). */
const DELAYED = 80;

/**
 * A queue with a length limit at its limit refuses what a delay tier dead-letters to it;
 * at-least-once dead-lettering retries those, and enough of them stopped the shared tier: every
 * other queue's delayed jobs and retries waited until that queue had room (a private node: it
 * jams a tier, for every process of the broker).
 */
describe('delayed jobs of a queue at its length limit (private node)', () => {
  const harness = new RabbitHarness();
  let node: RabbitNode;
  let admin: amqp.ChannelModel;
  let broker: AmqpBroker;
  const full = 'limited';
  const other = 'unlimited';

  beforeAll(async () => {
    [node] = (await harness.start([{ name: 'warren-full-tier', port: 26663 }])) as [RabbitNode];
    admin = await amqp.connect(node.url);
    broker = createAmqpBroker({
      urls: [node.url],
      healthIntervalMs: 0,
      delayTiersMs: [TIER],
      queues: { [full]: { maxLength: 5 }, [other]: {} },
    });
    await broker.connect();
  }, 180_000);

  afterAll(async () => {
    await broker?.close().catch(() => {});
    await admin?.close().catch(() => {});
    await harness.stopAll();
  }, 120_000);

  const count = async (q: string) => {
    const c = await admin.createChannel();
    c.on('error', () => {});
    try {
      return (await c.checkQueue(q)).messageCount;
    } finally {
      await c.close().catch(() => {});
    }
  };

  /** All messages of a tier queue, those stuck in dead-lettering too (not ready, not unacked). */
  const tierMessages = (q: string) => queueMessages(node, q);

  it("do not hold up another queue's delays, and none is lost", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const job = makeJob({ queue: full });
      ids.add(job.id);
      await broker.publisher.publish(full, job);
    }
    const delayed = Array.from({ length: DELAYED }, () => makeJob({ queue: full }));
    for (const j of delayed) ids.add(j.id);
    await Promise.all(delayed.map((j) => broker.publisher.publish(full, j, { delayMs: TIER })));
    await sleep(3 * TIER); // all due, the queue full

    const t = Date.now();
    await broker.publisher.publish(other, makeJob({ queue: other }), { delayMs: TIER });
    let arrivedMs = -1;
    while (Date.now() - t < 8000) {
      if ((await count(other)) > 0) {
        arrivedMs = Date.now() - t;
        break;
      }
      await sleep(100);
    }
    // Shared tier: never (8 s); now as any delay.
    expect(arrivedMs).toBeGreaterThanOrEqual(0);

    // The full queue's delayed jobs are in its queue or wait in its own tier, none lost: the
    // broker sends those it refused again later (its dead-letter confirm timeout, minutes).
    const seen = new Set<string>();
    const ch = await admin.createChannel();
    await ch.consume(full, (m) => {
      if (!m) return;
      seen.add(JSON.parse(m.content.toString()).id);
      ch.ack(m);
    });
    // (the counts may lag a little behind the consumer)
    let held = Number.NaN;
    for (const until = Date.now() + 15_000; Date.now() < until; await sleep(200)) {
      held = await tierMessages(`warren.delay.v2.${TIER}.${full}`);
      if (seen.size + held === ids.size) break;
    }
    await ch.close();
    expect(seen.size + held).toBe(ids.size);
    expect(await tierMessages(`warren.delay.v2.${TIER}`)).toBe(0);
  }, 60_000);
});
