import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually, makeJob, sleep } from '../testing/fixtures';
import { MemoryBroker } from './memory-broker';

describe('MemoryBroker', () => {
  it('a retry the full queue refuses leaves the message to come back, and frees its prefetch slot', async () => {
    const broker = new MemoryBroker({ maxLength: { q: 1 } });
    const first = makeJob({ queue: 'q' });
    const other = makeJob({ queue: 'q' });
    const seen: string[] = [];
    let retryError: unknown;
    await broker.consume(
      'q',
      async (d) => {
        seen.push(`${d.job.id === first.id ? 'first' : 'other'}#${d.attempt}`);
        if (seen.length === 1) {
          await broker.publish('q', other); // the queue is full now
          await d.retry(0).catch((err) => {
            retryError = err;
            throw err; // the handler rejects unsettled, as the executor does
          });
          return;
        }
        await d.ack();
      },
      { prefetch: 1 },
    );
    await broker.publish('q', first);
    await eventually(() => seen.length === 3);
    await sleep(20);
    expect(String(retryError)).toMatch(/full/);
    expect(seen).toEqual(['first#1', 'other#1', 'first#1']);
    expect(broker.depth('q')).toBe(0);
    await broker.close();
  });
});

describe('MemoryBroker long delays', () => {
  it('waits out a 30-day delay in timer-sized steps: no 1 ms loop, no TimeoutOverflowWarning', async () => {
    const broker = new MemoryBroker();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const delayMs = 30 * 86_400_000;
      // As the ingest publishes a delayed job: the delay and the notBefore it stamped.
      const job = makeJob({ queue: 'later', notBefore: new Date(Date.now() + delayMs).toISOString() });
      await broker.publish('later', job, { delayMs });
      const seen: unknown[] = [];
      await broker.consume('later', async (d) => {
        seen.push(d.job.id);
        await d.ack();
      });
      await sleep(300);
      expect(seen).toEqual([]);
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
      await broker.close();
    }
  });

  afterEach(() => vi.useRealTimers());

  it('delivers a 30-day delay once its 30 days are up, not before', async () => {
    vi.useFakeTimers();
    const broker = new MemoryBroker();
    const seen: number[] = [];
    await broker.consume('later', async (d) => {
      seen.push(Date.now());
      await d.ack();
    });
    const t0 = Date.now();
    const delayMs = 30 * 86_400_000;
    await broker.publish('later', makeJob({ queue: 'later' }), { delayMs });
    await vi.advanceTimersByTimeAsync(delayMs - 60_000);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(seen.length).toBe(1);
    expect(seen[0]! - t0).toBeGreaterThanOrEqual(delayMs);
    await broker.close();
  });
});

describe('MemoryBroker dead letters', () => {
  it('keeps the newest 1,000 per queue: a dev server left running does not hold every failed job', async () => {
    const broker = new MemoryBroker();
    const ids: string[] = [];
    await broker.consume('dl', async (d) => d.deadLetter(`boom ${d.job.id}`), { prefetch: 100 });
    for (let i = 0; i < 1500; i++) {
      const job = makeJob({ queue: 'dl', input: 'x'.repeat(1000) });
      ids.push(job.id);
      await broker.publish('dl', job);
    }
    await eventually(
      () => broker.pending().queued === 0 && broker.deadLetters('dl').at(-1)?.reason.endsWith(ids.at(-1)!),
    );
    const kept = broker.deadLetters('dl');
    expect(kept.length).toBe(1000);
    expect(kept[0]!.reason).toBe(`boom ${ids[500]}`);
    expect(kept.at(-1)!.reason).toBe(`boom ${ids[1499]}`);
    await broker.close();
  });
});
