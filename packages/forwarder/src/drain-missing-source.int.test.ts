import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { drain } from './drain';

// A region where a queue homed elsewhere never saw a job has no such queue: its link has nothing
// to move. The drain Lambda runs every minute with 50 s to live (stacks/plan-shared.ts).
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = `h58-dm-${randomUUID().slice(0, 8)}`;
const SRC = `${sfx}-src`;
const DST = `${sfx}-dst`;
const MISSING = `${sfx}-never-declared`;

afterAll(async () => {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [SRC, DST, MISSING, `${SRC}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('drain', () => {
  it('a link whose source queue does not exist counts as idle: the drain stops early, saying why', async () => {
    const conn = await amqp.connect(URL);
    const ch = await conn.createConfirmChannel();
    for (const q of [SRC, DST])
      await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (let i = 0; i < 20; i++)
      ch.sendToQueue(SRC, Buffer.from(`m${i}`), { persistent: true, messageId: `m${i}` });
    await ch.waitForConfirms();
    await conn.close();

    const started = Date.now();
    const res = await drain({
      links: [
        {
          name: `${sfx}-a`,
          source: { urls: [URL], queue: SRC },
          destination: { kind: 'amqp', urls: [URL], queue: DST },
        },
        {
          name: `${sfx}-b`,
          source: { urls: [URL], queue: MISSING },
          destination: { kind: 'amqp', urls: [URL], queue: DST },
        },
      ],
      deadlineMs: started + 30_000,
      idleStopMs: 1000,
    });
    expect(res.stoppedBecause).toBe('idle');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(res.links[0]).toMatchObject({ forwarded: 20, inFlight: 0 });
    expect(res.links[1]!.lastError).toMatch(new RegExp(`source queue ${MISSING} does not exist`));
  }, 45_000);
});
