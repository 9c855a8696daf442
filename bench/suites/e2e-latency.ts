import type { BenchSuite } from '../lib/types';
import { makers, side } from '../peers/sides';

/**
 * Latency from enqueue (producer clock, just before the call) to result stored (worker clock
 * after the write; Celery: the bench receiving its backend's result PUBLISH) at a fixed 200 jobs/s
 * for 8 s (quick 1 s). Same host, so the two clocks are one. No goal in the issue: ratios only.
 */
const suite: BenchSuite = {
  id: 'e2e-latency',
  title: 'Enqueue → result latency at 200 jobs/s',
  metrics: [
    { key: 'p50', label: 'latency p50', unit: 'ms', better: 'lower' },
    { key: 'p99', label: 'latency p99', unit: 'ms', better: 'lower' },
  ],
  sides: [
    side('warren', 'warren', makers.warren, 'latency'),
    side('raw', 'baseline', makers.raw, 'latency'),
    side('bullmq', 'peer', makers.bullmqAdd, 'latency'),
    side('celery', 'peer', makers.celery, 'latency'),
  ],
};

export default suite;
