import type { QueueRates } from '../scaling/queue-rates';
import type { Metrics } from './create-metrics';
import { type JobLabels, UNKNOWN_LABEL } from './job-labels';
import type { ExecutionEvent, ProducerEvent } from './types';

/** `createProducer({ onEvent })` → enqueued counter, confirm latency per region, publish failures. */
export function bindProducerMetrics(m: Metrics, rates?: QueueRates, labelsOf: JobLabels = asIs) {
  return (e: ProducerEvent): void => {
    if (e.type === 'publish') {
      if (e.ok) m.publishConfirm.observe({ region: e.region }, e.latencyMs / 1000);
      else m.publishFailures.inc({ region: e.region });
    } else if (e.type === 'enqueued') {
      const labels = labelsOf(e.job);
      m.jobs.enqueued.inc(labels);
      const due = e.job.notBefore ? Date.parse(e.job.notBefore) : undefined;
      if (labels.queue !== UNKNOWN_LABEL) rates?.record(labels.queue, 'enqueued', undefined, due);
    } else m.jobs.replayed.inc();
  };
}

/** `createWorker({ onEvent })` / executor events → one counter per outcome (and started, dead-lettered). */
export function bindExecutorMetrics(m: Metrics, rates?: QueueRates, labelsOf: JobLabels = asIs) {
  return (e: ExecutionEvent): void => {
    const labels = labelsOf(e.job);
    const q = labels.queue;
    // Rates are per queue this process reports (status rows, scaling): not for a made-up one.
    const r = q === UNKNOWN_LABEL ? undefined : rates;
    // Every run's end: an `expired` with a duration is a run whose retry fell due past expiresAt
    // (one expired before it started has none). A deferral's and a release's are not run ends.
    const runEnd =
      e.type === 'succeeded' || e.type === 'retried' || e.type === 'failed' || e.type === 'expired';
    if (e.durationMs !== undefined && runEnd) m.jobDuration.observe(labels, e.durationMs / 1000);
    switch (e.type) {
      case 'started':
        m.jobs.started.inc(labels);
        r?.record(q, 'started');
        break;
      case 'succeeded':
        m.jobs.succeeded.inc(labels);
        r?.record(q, 'succeeded', e.durationMs);
        break;
      case 'retried':
        m.jobs.retried.inc(labels);
        r?.record(q, 'retried', e.durationMs);
        break;
      case 'failed':
        // The executor dead-letters every job it fails for good; a repeat (the DLQ copy came back
        // after the job was recorded failed) is dead-lettered again but is not another failure.
        m.jobs.deadLettered.inc(labels);
        if (e.repeat) break;
        m.jobs.failed.inc(labels);
        r?.record(q, 'failed', e.durationMs);
        break;
      case 'expired':
        m.jobs.expired.inc(labels);
        if (e.durationMs !== undefined) r?.record(q, 'expired', e.durationMs);
        break;
      case 'skipped':
      case 'deferred':
      case 'released':
        m.jobs[e.type].inc(labels);
        break;
    }
  };
}

const asIs: JobLabels = (job) => ({ task: job.task, queue: job.queue });

/** `createIngestApp({ onRequest })` → requests by route pattern (never the raw path: ids would explode cardinality). */
export function bindHttpMetrics(m: Metrics) {
  return (r: { route: string; method: string; status: number; ms: number }): void => {
    m.http.requests.inc({ route: r.route, method: r.method, status: String(r.status) });
    m.http.duration.observe({ route: r.route, method: r.method }, r.ms / 1000);
  };
}
