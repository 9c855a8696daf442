import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueRates } from '../scaling/queue-rates';
import { registerLinkMetrics } from './link-metrics';
import type { LinkStatusFn, QueueStatsFn, RegionStatus } from './types';

export interface MetricsOptions {
  /** Defaults to a fresh registry (not prom-client's global one: tests and embedded stacks run several). */
  registry?: Registry;
  /** Queues whose depth/consumers are read on scrape. */
  queues?: () => readonly string[];
  queueStats?: QueueStatsFn;
  linkStatus?: LinkStatusFn;
  regionStatus?: () => readonly RegionStatus[];
  /** Observed per-queue rates and durations; feeds `warren_queue_recommended_workers`. */
  rates?: QueueRates;
  /** Add Node process metrics (cpu, memory, event loop lag). */
  processMetrics?: boolean;
}

const JOB = ['task', 'queue'] as const;
const CIRCUIT_STATES = ['closed', 'half-open', 'open'] as const;
/** Confirms are ms on a LAN and up to seconds cross-region. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/**
 * Jobs run from ms to hours (a task's timeout may be days): past 900 s, a p99 of 20 min and one of
 * 5 h both read 900. No step above 2.5× up to 2 h: with 10→50 ms, 0.1→0.5 s, 1→5 s and 60→300 s, a
 * 12 ms job's p50 read 30 ms. The earlier bounds are all kept (dashboards may name an `le`).
 */
const JOB_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
  21600,
];

/**
 * Every warren metric in one registry. Counters are fed by the binders (producer, executor,
 * HTTP, result store); broker-, router- and forwarder-side gauges are read on scrape through
 * the callbacks, so a scrape always shows the current depth rather than a stale sample.
 */
export function createMetrics(opts: MetricsOptions = {}) {
  const registry = opts.registry ?? new Registry();
  const registers = [registry];
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'warren_' });
  const counter = (name: string, help: string, labelNames: readonly string[] = JOB) =>
    new Counter({ name, help, labelNames, registers });

  const jobs = {
    enqueued: counter('warren_jobs_enqueued_total', 'Jobs accepted (publish confirmed) by task and queue'),
    started: counter('warren_jobs_started_total', 'Job attempts started by a worker'),
    succeeded: counter('warren_jobs_succeeded_total', 'Jobs that finished successfully'),
    failed: counter(
      'warren_jobs_failed_total',
      'Jobs that failed for good (no attempts left or not retriable)',
    ),
    retried: counter('warren_jobs_retried_total', 'Failed attempts scheduled for another try'),
    deadLettered: counter('warren_jobs_dead_lettered_total', 'Jobs moved to the dead-letter queue'),
    // The other ends of a delivery: with these, every started attempt ends in exactly one counter.
    skipped: counter(
      'warren_jobs_skipped_total',
      'Deliveries acked with no outcome of their own: a copy of a finished job, or a run whose job was cancelled or taken over meanwhile',
    ),
    expired: counter(
      'warren_jobs_expired_total',
      'Jobs past their expiresAt when delivered (not run), or whose retry would come due after it',
    ),
    deferred: counter(
      'warren_jobs_deferred_total',
      "Copies put back without spending an attempt: behind another run's lease, the task threw a DeferError, or its task is unknown to this worker (worker.unknownTaskGraceMs)",
    ),
    released: counter(
      'warren_jobs_released_total',
      'Runs handed back unfinished at shutdown (no attempt spent; the job runs again)',
    ),
    replayed: new Counter({
      name: 'warren_jobs_replayed_total',
      help: 'Enqueue requests answered from an idempotency key (no new job)',
      registers,
    }),
  };
  const jobDuration = new Histogram({
    name: 'warren_job_duration_seconds',
    help: 'Task run time per attempt',
    labelNames: JOB,
    buckets: JOB_BUCKETS,
    registers,
  });
  const publishConfirm = new Histogram({
    name: 'warren_publish_confirm_seconds',
    help: 'Time from publish to broker confirm, per region',
    labelNames: ['region'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const publishFailures = counter('warren_publish_failures_total', 'Publishes not confirmed, per region', [
    'region',
  ]);
  const resultStore = new Histogram({
    name: 'warren_result_store_seconds',
    help: 'Result store call latency by operation',
    labelNames: ['op'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  // Fed by the broker's events, not the executor's: also counts messages no job came out of.
  const queueDeadLettered = new Counter({
    name: 'warren_queue_dead_lettered_total',
    help: "Messages this process moved to the queue's dead-letter queue, unreadable ones included (jobs_dead_lettered counts only jobs)",
    labelNames: ['queue'],
    registers,
    collect() {
      for (const q of opts.queues?.() ?? []) this.inc({ queue: q }, 0); // 0 before the first (see zeroJobSeries)
    },
  });
  const resultStoreErrors = counter(
    'warren_result_store_errors_total',
    'Result store calls that failed, by operation: unavailable (an outage: the delivery is handed back) or refused (the store will not take it)',
    ['op', 'error'],
  );
  const http = {
    requests: counter('warren_http_requests_total', 'HTTP requests by route pattern, method and status', [
      'route',
      'method',
      'status',
    ]),
    duration: new Histogram({
      name: 'warren_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern and method',
      labelNames: ['route', 'method'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
  };

  new Gauge({
    name: 'warren_region_circuit_state',
    help: "1 for each region's current circuit state (closed, half-open, open), 0 for the others",
    labelNames: ['region', 'state'],
    registers,
    collect() {
      this.reset();
      for (const r of opts.regionStatus?.() ?? []) {
        for (const s of CIRCUIT_STATES) this.set({ region: r.id, state: s }, r.state === s ? 1 : 0);
      }
    },
  });

  // Depth and consumers come from one broker call per queue per scrape; share it between gauges.
  type Read = { depth?: number; consumers?: number; deadLetters?: number };
  let statsRead: Promise<Map<string, Read>> | undefined;
  const readStats = () => {
    statsRead ??= (async () => {
      const out = new Map<string, Read>();
      const queues = opts.queues?.() ?? [];
      await Promise.all(
        queues.map(async (q) => {
          const s = await Promise.resolve(opts.queueStats?.(q)).catch(() => undefined);
          out.set(q, { depth: s?.messageCount, consumers: s?.consumerCount, deadLetters: s?.deadLetters });
          if (s) opts.rates?.observeDepth(q, s.messageCount, s.consumerCount);
        }),
      );
      return out;
    })().finally(() => setTimeout(() => (statsRead = undefined), 0));
    return statsRead;
  };
  const queueGauge = (name: string, help: string, pick: keyof Read) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        for (const [q, s] of await readStats()) if (s[pick] !== undefined) this.set({ queue: q }, s[pick]);
      },
    });
  queueGauge('warren_queue_depth', 'Messages ready in the queue (broker-reported)', 'depth');
  queueGauge('warren_queue_consumers', 'Consumers attached to the queue (broker-reported)', 'consumers');
  queueGauge(
    'warren_queue_dead_letters',
    "Messages in the queue's dead-letter queue (broker-reported): every process's, also from before this one started",
    'deadLetters',
  );
  new Gauge({
    name: 'warren_queue_recommended_workers',
    help: 'Autoscaling signal: workers needed for the observed arrival rate, job duration and backlog (see recommendWorkers)',
    labelNames: ['queue'],
    registers,
    async collect() {
      this.reset();
      if (!opts.rates) return;
      for (const [q, s] of await readStats()) {
        // The broker did not answer: the backlog is unknown, and so is the advice (with 0 for it, a
        // deep queue read as "scale to zero" the moment the broker stopped answering).
        if (opts.queueStats && s.depth === undefined) continue;
        this.set({ queue: q }, opts.rates.recommend(q, s.depth ?? 0).workers);
      }
    },
  });

  registerLinkMetrics(registers, opts.linkStatus ?? (() => []));

  return {
    registry,
    jobs,
    jobDuration,
    publishConfirm,
    publishFailures,
    resultStore,
    resultStoreErrors,
    queueDeadLettered,
    http,
    options: opts,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
