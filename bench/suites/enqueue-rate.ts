import type { BenchSuite } from '../lib/types';
import { makers, side } from '../peers/sides';

/**
 * Acknowledged enqueues per second with no worker running: warren's SDK direct path (publish
 * with confirm + `queued` record; one by one ×1000 in flight, and enqueueMany ×1000) vs raw
 * amqplib publishes, BullMQ add/addBulk and Celery apply_async; each warren row (1), (2) gets its
 * ratio against every side (enqueueMany reads best against addBulk). warren over HTTP is the
 * ingest-http suite.
 */
const suite: BenchSuite = {
  id: 'enqueue-rate',
  title: 'Enqueue rate (acknowledged), SDK direct vs peers',
  metrics: [{ key: 'jobsPerS', label: 'enqueues/s', unit: 'jobs/s', better: 'higher' }],
  sides: [
    side('warren', 'warren', makers.warren, 'enqueue'),
    side('warrenMany', 'warren', makers.warrenMany, 'enqueue'),
    side('raw', 'baseline', makers.raw, 'enqueue'),
    side('bullmqAdd', 'peer', makers.bullmqAdd, 'enqueue'),
    side('bullmqBulk', 'peer', makers.bullmqBulk, 'enqueue'),
    side('celery', 'peer', makers.celery, 'enqueue'),
  ],
};

export default suite;
