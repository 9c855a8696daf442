import { type JobEnvelope, QueueFullError } from '@warren/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, Delivery, Subscription } from '../ports/consumer';
import type { Publisher } from '../ports/publisher';
import { eventually, makeJob, sleep } from './fixtures';

export interface BrokerUnderTest {
  publisher: Publisher;
  consumer: Consumer;
  /** A fresh queue (declared, with its DLQ, as `spec` of config.queues asks) no other test uses. */
  freshQueue(spec?: FreshQueueSpec): Promise<string>;
  /** Publish arbitrary bytes as a message body (poison-message tests). */
  publishRaw(queue: string, body: string): Promise<void>;
  /** Reasons recorded for messages dead-lettered from `queue`, oldest first. */
  deadLetterReasons(queue: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The parts of a queue's config (`config.queues[name]`) the contract declares queues with. */
export interface FreshQueueSpec {
  maxPriority?: number;
  maxLength?: number;
}

/** What an adapter declares about itself; each flag changes one rule, for that adapter only. */
export interface BrokerCapabilities {
  /**
   * SQS: the attempt is ApproximateReceiveCount, so every receive spends one, a process crash's
   * too (a delivery the consumer gives back goes as a fresh copy and spends none). Its deliveries
   * must say so (Delivery.attemptCountsReceives), and only such an adapter's may.
   */
  attemptCountsReceives?: boolean;
  /** SQS: no queue priorities and no length limit (config.queues' maxPriority and maxLength are RabbitMQ's). */
  noQueueLimitsOrPriorities?: boolean;
}

/**
 * The Publisher/Consumer contract every broker adapter passes (memory, RabbitMQ, ...).
 * `timing` scales the waits for slower transports.
 */
export function brokerContract(
  name: string,
  setup: () => Promise<BrokerUnderTest>,
  timing = { settleMs: 300 },
  caps: BrokerCapabilities = {},
) {
  describe(`broker contract: ${name}`, () => {
    let b: BrokerUnderTest;
    const subs: Subscription[] = [];
    beforeAll(async () => {
      b = await setup();
    });
    afterAll(async () => {
      for (const s of subs) await s.close().catch(() => {});
      await b.close();
    });
    const collect = async (queue: string, handle: (d: Delivery) => Promise<void>, prefetch = 10) => {
      const seen: Delivery[] = [];
      subs.push(
        await b.consumer.consume(
          queue,
          async (d) => {
            seen.push(d);
            await handle(d);
          },
          { prefetch },
        ),
      );
      return seen;
    };

    it('delivers a published envelope unchanged, attempt 1, not redelivered', async () => {
      const q = await b.freshQueue();
      const job = makeJob({ queue: q, input: { nested: { list: [1, 'two', null] }, s: '007' } });
      await b.publisher.publish(q, job);
      const seen = await collect(q, (d) => d.ack());
      await eventually(() => seen.length === 1);
      expect(seen[0]!.job).toEqual(job);
      expect(seen[0]!.attempt).toBe(1);
      expect(seen[0]!.redelivered).toBe(false);
      // The executor reads it to count a run lost with its worker once (see lostRunSpent): an
      // adapter counting receives without saying so would have such a run spend two attempts.
      expect(seen[0]!.attemptCountsReceives === true).toBe(caps.attemptCountsReceives === true);
    });

    it('delivers many concurrent publishes exactly once and never exceeds prefetch', async () => {
      const q = await b.freshQueue();
      const jobs = Array.from({ length: 300 }, () => makeJob({ queue: q }));
      await Promise.all(jobs.map((j) => b.publisher.publish(q, j)));
      let inFlight = 0;
      let maxInFlight = 0;
      const seen = await collect(
        q,
        async (d) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(1);
          inFlight--;
          await d.ack();
        },
        7,
      );
      await eventually(() => seen.length >= jobs.length, 15_000);
      await sleep(timing.settleMs);
      expect(seen.length).toBe(jobs.length);
      expect(new Set(seen.map((d) => d.job.id))).toEqual(new Set(jobs.map((j) => j.id)));
      expect(maxInFlight).toBeLessThanOrEqual(7);
    });

    it('honours a publish delay', async () => {
      const q = await b.freshQueue();
      const t0 = Date.now();
      await b.publisher.publish(q, makeJob({ queue: q }), { delayMs: 700 });
      const at: number[] = [];
      await collect(q, async (d) => {
        at.push(Date.now());
        await d.ack();
      });
      await eventually(() => at.length === 1, 10_000);
      expect(at[0]! - t0).toBeGreaterThanOrEqual(690);
    });

    it('holds a job whose notBefore is ahead until then, though published without a delay', async () => {
      const q = await b.freshQueue();
      const due = Date.now() + 700;
      await b.publisher.publish(q, makeJob({ queue: q, notBefore: new Date(due).toISOString() }));
      const at: number[] = [];
      await collect(q, async (d) => {
        at.push(Date.now());
        await d.ack();
      });
      await eventually(() => at.length === 1, 10_000);
      expect(at[0]).toBeGreaterThanOrEqual(due - 10);
    });

    it('retry(delay) redelivers as attempt+1, not before the delay', async () => {
      const q = await b.freshQueue();
      await b.publisher.publish(q, makeJob({ queue: q }));
      const at: number[] = [];
      const seen = await collect(q, async (d) => {
        at.push(Date.now());
        if (d.attempt === 1) await d.retry(500);
        else await d.ack();
      });
      await eventually(() => seen.length === 2, 10_000);
      expect(seen[0]!.attempt).toBe(1);
      // Counting receives, any receive in between (one whose answer was lost) counts too.
      if (caps.attemptCountsReceives) expect(seen[1]!.attempt).toBeGreaterThanOrEqual(2);
      else expect(seen[1]!.attempt).toBe(2);
      expect(seen[1]!.job.id).toBe(seen[0]!.job.id);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(480);
    });

    it('defer(delay) redelivers with the same attempt, not before the delay', async () => {
      const q = await b.freshQueue();
      await b.publisher.publish(q, makeJob({ queue: q }));
      const at: number[] = [];
      const seen = await collect(q, async (d) => {
        at.push(Date.now());
        if (at.length === 1) await d.defer!(500);
        else await d.ack();
      });
      await eventually(() => seen.length === 2, 10_000);
      expect(seen.map((d) => d.attempt)).toEqual([1, 1]);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(480);
    });

    it('deadLetter(reason) removes the message and records the reason', async () => {
      const q = await b.freshQueue();
      await b.publisher.publish(q, makeJob({ queue: q }));
      const seen = await collect(q, (d) => d.deadLetter('boom: bad things'));
      await eventually(async () => (await b.deadLetterReasons(q)).length === 1);
      await sleep(timing.settleMs);
      expect(seen.length).toBe(1);
      expect(await b.deadLetterReasons(q)).toEqual(['boom: bad things']);
    });

    it('a poison body goes to the dead-letter queue with a reason and never reaches the handler', async () => {
      const q = await b.freshQueue();
      await b.publishRaw(q, '{not json');
      await b.publishRaw(q, JSON.stringify({ v: 1, id: 'nope' }));
      const seen = await collect(q, (d) => d.ack());
      const reasons = await eventually(async () => {
        const r = await b.deadLetterReasons(q);
        return r.length === 2 ? r : undefined;
      });
      expect(seen.length).toBe(0);
      expect(reasons[0]).toMatch(/not JSON/);
      expect(reasons[1]).toMatch(/invalid envelope/);
    });

    it('a handler that rejects without settling gets the message redelivered', async () => {
      const q = await b.freshQueue();
      const job: JobEnvelope = makeJob({ queue: q });
      await b.publisher.publish(q, job);
      const seen = await collect(q, async (d) => {
        if (!d.redelivered) throw new Error('crash before settling');
        await d.ack();
      });
      await eventually(() => seen.length === 2, 10_000);
      expect(seen[1]!.redelivered).toBe(true);
      expect(seen[1]!.job.id).toBe(job.id);
      // Given back by the consumer, unspent, on every adapter (SQS sends a fresh copy).
      expect(seen[1]!.attempt).toBe(1);
    });

    it('release() hands the message back for redelivery', async () => {
      const q = await b.freshQueue();
      await b.publisher.publish(q, makeJob({ queue: q }));
      const seen = await collect(q, (d) => (d.redelivered ? d.ack() : d.release()));
      await eventually(() => seen.length === 2, 10_000);
      expect(seen[1]!.redelivered).toBe(true);
    });

    it('holds a delay longer than a timer can wait (30 days) instead of delivering it early', async () => {
      const q = await b.freshQueue();
      // No notBefore: the publish's delay alone says when (setTimeout caps at ~24.8 days).
      await b.publisher.publish(q, makeJob({ queue: q }), { delayMs: 30 * 86_400_000 });
      const seen = await collect(q, (d) => d.ack());
      await sleep(Math.max(1000, timing.settleMs * 3));
      expect(seen.length).toBe(0);
    });

    it('a queue with maxPriority hands out its highest priority first, FIFO within one', async (ctx) => {
      if (caps.noQueueLimitsOrPriorities) ctx.skip();
      const q = await b.freshQueue({ maxPriority: 5 });
      const order = [1, undefined, 5, 3, 5, 9];
      for (const [i, priority] of order.entries())
        await b.publisher.publish(q, makeJob({ queue: q, priority, input: { i } }));
      const seen = await collect(q, (d) => d.ack(), 1);
      await eventually(() => seen.length === order.length, 10_000);
      // 9 is over the queue's maximum: it counts as 5 (RabbitMQ's rule); none counts as 0.
      expect(seen.map((d) => (d.job.input as { i: number }).i)).toEqual([2, 4, 5, 3, 0, 1]);
    });

    it('a retried job keeps its priority: back in its queue, it goes ahead of lower ones', async (ctx) => {
      if (caps.noQueueLimitsOrPriorities) ctx.skip();
      const q = await b.freshQueue({ maxPriority: 5 });
      await b.publisher.publish(q, makeJob({ queue: q, priority: 5, input: { n: 'high' } }));
      const first: Delivery[] = [];
      const sub = await b.consumer.consume(
        q,
        async (d) => {
          first.push(d);
          await d.retry(300);
        },
        { prefetch: 1 },
      );
      await eventually(() => first.length === 1);
      await sub.close();
      for (let i = 0; i < 3; i++)
        await b.publisher.publish(q, makeJob({ queue: q, input: { n: `low${i}` } }));
      await sleep(300 + Math.max(1000, timing.settleMs * 2)); // the retry is back in the queue
      const seen = await collect(q, (d) => d.ack(), 1);
      await eventually(() => seen.length === 4, 10_000);
      expect(seen.map((d) => `${(d.job.input as { n: string }).n}#${d.attempt}`)).toEqual([
        'high#2',
        'low0#1',
        'low1#1',
        'low2#1',
      ]);
    });

    it('a queue with maxLength refuses a publish past it with QueueFullError, dropping nothing', async (ctx) => {
      if (caps.noQueueLimitsOrPriorities) ctx.skip();
      const q = await b.freshQueue({ maxLength: 2 });
      let err: unknown;
      let accepted = 0;
      // A quorum queue lets the publish that crosses the limit in: refused by the 4th at most.
      for (let i = 0; i < 4 && !err; i++)
        err = await b.publisher.publish(q, makeJob({ queue: q })).then(
          () => void accepted++,
          (e) => e,
        );
      expect(err).toBeInstanceOf(QueueFullError);
      expect(accepted).toBeGreaterThanOrEqual(2);
      const seen = await collect(q, (d) => d.ack());
      await eventually(() => seen.length === accepted, 10_000);
      await sleep(timing.settleMs);
      expect(seen.length).toBe(accepted);
    });

    it('a queue at its maxLength still takes delayed publishes and retries, and delivers them once there is room', async (ctx) => {
      if (caps.noQueueLimitsOrPriorities) ctx.skip();
      const q = await b.freshQueue({ maxLength: 1 });
      const first = makeJob({ queue: q, input: { n: 'first' } });
      await b.publisher.publish(q, first);
      // Full now. A delayed job waits outside the queue (a delay tier on RabbitMQ) until due,
      // then for room: accepted, not refused with a 429.
      await b.publisher.publish(q, makeJob({ queue: q, input: { n: 'delayed' } }), { delayMs: 300 });
      const at: string[] = [];
      let retriedAt = 0;
      let firstAgainAt = 0;
      await collect(
        q,
        async (d) => {
          const n = (d.job.input as { n: string }).n;
          at.push(`${n}#${d.attempt}`);
          if (n === 'first' && d.attempt === 1) {
            await b.publisher.publish(q, makeJob({ queue: q, input: { n: 'other' } })); // full again
            retriedAt = Date.now();
            await d.retry(500); // goes out through the delay as well: taken, not refused
            return;
          }
          if (n === 'first') firstAgainAt = Date.now();
          await d.ack();
        },
        1,
      );
      await eventually(() => at.length === 4, 20_000);
      await sleep(timing.settleMs);
      expect([...at].sort()).toEqual(['delayed#1', 'first#1', 'first#2', 'other#1']);
      expect(firstAgainAt - retriedAt).toBeGreaterThanOrEqual(480);
    });

    it('a closed subscription receives nothing more', async () => {
      const q = await b.freshQueue();
      const seen: Delivery[] = [];
      const sub = await b.consumer.consume(q, async (d) => {
        seen.push(d);
        await d.ack();
      });
      await b.publisher.publish(q, makeJob({ queue: q }));
      await eventually(() => seen.length === 1);
      await sub.close();
      await b.publisher.publish(q, makeJob({ queue: q }));
      await sleep(timing.settleMs);
      expect(seen.length).toBe(1);
    });
  });
}
