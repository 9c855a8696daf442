import { describe, expect, it } from 'vitest';
import { createQueueRates } from './queue-rates';
import { recommendWorkers } from './recommend-workers';

const base = { perWorkerConcurrency: 10, targetDrainS: 60 };

describe('recommendWorkers (Little’s law + backlog drain)', () => {
  it('keeps up with arrivals: 50 jobs/s × 2 s each / 10 per worker = 10 workers', () => {
    expect(recommendWorkers({ ...base, arrivalPerS: 50, meanDurationS: 2, backlog: 0 })).toEqual({
      workers: 10,
      steady: 10,
      drain: 0,
    });
  });

  it('adds workers to drain a backlog within the target: 6000 waiting, 1 s jobs → 10 more', () => {
    const r = recommendWorkers({ ...base, arrivalPerS: 20, meanDurationS: 1, backlog: 6000 });
    expect(r.steady).toBe(2);
    expect(r.drain).toBe(10);
    expect(r.workers).toBe(12);
  });

  it('scales to zero when idle and to at least one for any work', () => {
    expect(recommendWorkers({ ...base, arrivalPerS: 0, meanDurationS: 0, backlog: 0 }).workers).toBe(0);
    expect(recommendWorkers({ ...base, arrivalPerS: 0.01, meanDurationS: 0.01, backlog: 0 }).workers).toBe(1);
    // No job finished yet: assume 1 s per job so a backlog still asks for a worker.
    expect(recommendWorkers({ ...base, arrivalPerS: 0, meanDurationS: 0, backlog: 5 }).workers).toBe(1);
  });
});

describe('createQueueRates', () => {
  it('derives λ and W from recorded events over the window', () => {
    let t = 1_000_000;
    const rates = createQueueRates({ windowS: 10, perWorkerConcurrency: 2, targetDrainS: 10, now: () => t });
    t += 10_000; // a full window has passed since start
    for (let i = 0; i < 40; i++) rates.record('q', 'enqueued');
    for (let i = 0; i < 20; i++) rates.record('q', 'succeeded', 500);
    const s = rates.snapshot('q');
    expect(s.perS.enqueued).toBe(4);
    expect(s.perS.succeeded).toBe(2);
    expect(s.meanDurationMs).toBe(500);
    // λ·W/c = 4 × 0.5 / 2 = 1; drain = 20 / (10 × 2 / 0.5) = 0.5 → ceil(1.5) = 2
    expect(rates.recommend('q', 20)).toEqual({ workers: 2, steady: 1, drain: 0.5 });
    t += 11_000; // everything aged out
    expect(rates.snapshot('q').perS.enqueued).toBe(0);
  });

  it('estimates arrivals in a worker-only process as starts plus backlog growth', () => {
    let t = 2_000_000;
    const rates = createQueueRates({ windowS: 10, now: () => t });
    t += 10_000;
    rates.observeDepth('q', 10);
    for (let i = 0; i < 20; i++) rates.record('q', 'started'); // 2/s
    t += 5_000;
    rates.observeDepth('q', 20); // +10 in 5 s = 2/s
    expect(rates.snapshot('q').arrivalPerS).toBe(4);
  });
});
