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
