import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createQueueRates } from './queue-rates';

describe('createQueueRates backlog growth', () => {
  it('two depth reads milliseconds apart (a scrape and a /status.json) do not read as thousands of arrivals/s', () => {
    let t = 5_000_000;
    const rates = createQueueRates({ perWorkerConcurrency: 16, now: () => t });
    t += 30_000;
    rates.observeDepth('q', 0);
    t += 5; // 100 jobs were enqueued elsewhere between the two reads
    rates.observeDepth('q', 100);
    // Was 100 / 0.005 s = 20000/s, recommending 1251 workers for a backlog of 100.
    expect(rates.snapshot('q').arrivalPerS).toBeLessThan(10);
    expect(rates.recommend('q', 100).workers).toBe(1);
  });
});

describe('createQueueRates depth samples', () => {
  // Every /status.json and /metrics scrape reads each queue's depth (one shared broker read per
  // 500 ms) and observes it: kept one per call, a poller's rate set what the process held for the
  // window and what each snapshot walked.
  it('keeps one sample per second however often the depth is read', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    let t = 5_000_000;
    const rates = createQueueRates({ now: () => t });
    rates.observeDepth('q', 0);
    gc();
    const before = process.memoryUsage().heapUsed;
    // 1,000,000 reads over 20 s (50,000 a second), the backlog growing 5/s.
    for (let i = 1; i <= 1_000_000; i++) {
      t = 5_000_000 + i / 50;
      rates.observeDepth('q', Math.floor(t / 1000) * 5 - 25_000);
    }
    gc();
    const retainedMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    // One object per read held ~40 MB; one per second a few KB (heap noise aside).
    expect(retainedMb).toBeLessThan(8);
    // The slope is read as before: the window's first and last samples.
    expect(rates.snapshot('q').arrivalPerS).toBeCloseTo(5, 0);
  });
});
