import type { BenchSuite } from '../lib/types';
import { makers, SIDES, side } from '../peers/sides';

/**
 * End-to-end throughput: N no-op add(a, b) jobs (20,000; quick 1,000) from the first enqueue to
 * the last result stored in Redis, the worker started beforehand in its own process(es).
 * Goal (issue 10): warren ≥ 1× BullMQ and ≥ 0.75× the raw amqplib pipeline, with RabbitMQ's
 * durability (quorum confirm after fsync) where BullMQ's acknowledged add lives in Redis memory.
 */
const suite: BenchSuite = {
  id: 'e2e-throughput',
  title: 'End to end: enqueue → worker → result in Redis',
  metrics: [
    {
      key: 'jobsPerS',
      label: 'jobs/s end to end',
      unit: 'jobs/s',
      better: 'higher',
      goals: { [SIDES.raw.name]: 0.75, [SIDES.bullmq.name]: 1 },
    },
  ],
  sides: [
    side('warren', 'warren', makers.warren, 'throughput'),
    side('raw', 'baseline', makers.raw, 'throughput'),
    side('bullmq', 'peer', makers.bullmqBulk, 'throughput'),
    side('celery', 'peer', makers.celery, 'throughput'),
  ],
};

export default suite;
