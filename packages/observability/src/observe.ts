import type { RegionRouter, RegionStatus, ResultStore, WarrenConfig } from '@warren/core';
import type { Hono } from 'hono';
import { Gauge, type Registry } from 'prom-client';
import { createLogger, type Logger } from './logs/create-logger';
import { logExecutorEvents, logProducerEvents } from './logs/job-logs';
import { bindExecutorMetrics, bindHttpMetrics, bindProducerMetrics } from './metrics/bind-events';
import { createMetrics } from './metrics/create-metrics';
import { jobLabels } from './metrics/job-labels';
import { timedResultStore } from './metrics/timed-result-store';
import type { ExecutionEvent, LinkStatusFn, ProducerEvent, QueueStatsFn } from './metrics/types';
import { type JobRole, zeroJobSeries } from './metrics/zero-series';
import { sharedQueueStats } from './process/shared-queue-stats';
import { createQueueRates } from './scaling/queue-rates';
import { collectStatus } from './status/collect-status';
import { createRecentFailures } from './status/recent-failures';
import { mountStatusRoutes } from './status/routes';
import { activeTraceparent } from './trace/trace-context';

export interface ObservabilityOptions {
  config: WarrenConfig;
  logger?: Logger;
  registry?: Registry;
  queueStats?: QueueStatsFn;
  linkStatus?: LinkStatusFn;
  /** Queues to report; default: every configured queue. */
  queues?: () => readonly string[];
  processMetrics?: boolean;
  /** Scaling: how fast a backlog should drain (default 60 s). */
  targetDrainS?: number;
  /**
   * What this process does with jobs, for the job series scraped at 0 before their first event
   * (see zeroJobSeries): `enqueue` (an ingest), `run` (a worker); default both, none for a forwarder.
   */
  roles?: readonly JobRole[];
}

/**
 * Wires metrics, logs, traces, rates and the status snapshot for one process. Hand its hooks to
 * the parts this process runs: `producerEvents` to createProducer, `executorEvents` to
 * createWorker, `onRequest`/`extend` to createIngestApp, `results()` around the ResultStore.
 */
export function createObservability(opts: ObservabilityOptions) {
  const { config } = opts;
  const startedAt = Date.now();
  const logger = opts.logger ?? createLogger();
  const rates = createQueueRates({
    perWorkerConcurrency: config.worker.concurrency,
    targetDrainS: opts.targetDrainS,
  });
  const failures = createRecentFailures();
  let router: RegionRouter | undefined;
  let brokers: ReadonlyMap<string, { currentNode(): string | undefined }> | undefined;
  // Confirm-latency EWMA per region for routers that do not track health themselves.
  const ewma = new Map<string, number>();
  let publishing = false;
  const regions = (): RegionStatus[] => {
    const tracked = router?.status?.();
    if (tracked) return tracked;
    // A worker or forwarder publishes nothing: it knows no circuit, so it claims none closed.
    if (!router && !publishing) return [];
    const ids = new Set([config.region, ...config.regions.map((r) => r.id), ...ewma.keys()]);
    return [...ids].map((id) => ({ id, state: 'closed', slow: false, ewmaMs: ewma.get(id), failures: 0 }));
  };
  const queues = opts.queues ?? (() => Object.keys(config.queues));
  const queueStats = opts.queueStats && sharedQueueStats(opts.queueStats);
  const metrics = createMetrics({
    registry: opts.registry,
    queues,
    queueStats,
    linkStatus: opts.linkStatus,
    regionStatus: regions,
    rates,
    processMetrics: opts.processMetrics,
  });
  zeroJobSeries(metrics, config, opts.roles ?? ['enqueue', 'run']);
  new Gauge({
    name: 'warren_region_broker_connected',
    help: "1 while the region's broker has a node connected, else 0 (the circuit state learns only from publishes)",
    labelNames: ['region'],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const r of regions()) {
        const c = connected(r.id);
        if (c !== undefined) this.set({ region: r.id }, c ? 1 : 0);
      }
    },
  });
  const labels = jobLabels(config, queues);
  const producerMetrics = bindProducerMetrics(metrics, rates, labels);
  const producerLogs = logProducerEvents(logger);
  const executorMetrics = bindExecutorMetrics(metrics, rates, labels);
  const executorLogs = logExecutorEvents(logger);
  /** Whether a region's broker has a node connected now (undefined: not known here, e.g. embedded). */
  const connected = (region: string): boolean | undefined => {
    const b = brokers?.get(region);
    return b ? b.currentNode() !== undefined : undefined;
  };
  const status = () =>
    collectStatus({
      region: config.region,
      regions,
      connected,
      queues,
      queueStats,
      rates,
      links: opts.linkStatus,
      recentFailures: failures,
      metrics,
      startedAt,
    });

  return {
    logger,
    metrics,
    registry: metrics.registry,
    rates,
    failures,
    status,
    /** The producer's router, once created (`producer.router`), for circuit states and confirm EWMA. */
    useRouter(r: RegionRouter): void {
      router = r;
    },
    /**
     * Each region's broker (region id → anything with amqp's `currentNode()`): the status shows a
     * region whose broker has no node connected as such. The circuit learns only from publishes,
     * so a region no request was routed to (a failover target) read healthy while its broker was down.
     */
    useBrokers(b: ReadonlyMap<string, { currentNode(): string | undefined }>): void {
      brokers = b;
    },
    producerEvents(e: ProducerEvent): void {
      if (e.type === 'publish') publishing = true;
      if (e.type === 'publish' && e.ok) {
        const prev = ewma.get(e.region);
        ewma.set(e.region, prev === undefined ? e.latencyMs : prev + 0.2 * (e.latencyMs - prev));
      }
      producerMetrics(e);
      producerLogs(e);
    },
    executorEvents(e: ExecutionEvent): void {
      executorMetrics(e);
      executorLogs(e);
      failures.onEvent(e);
    },
    /**
     * The broker adapter's events (`createAmqpBroker({ onEvent })`): each message it dead-letters,
     * unreadable ones too, which reach no executor event.
     */
    brokerEvents(e: { type: string; queue?: string }): void {
      if (e.type === 'dead-lettered' && e.queue)
        metrics.queueDeadLettered.inc({ queue: labels({ task: '', queue: e.queue }).queue });
    },
    /** `createWorker({ runScope })`: each task runs inside its job's span (see logExecutorEvents). */
    runScope: executorLogs.runScope,
    onRequest: bindHttpMetrics(metrics),
    /** `createIngestApp({ traceparent })`: jobs continue the request's span, when one is traced. */
    traceparent: activeTraceparent,
    results: (store: ResultStore): ResultStore => timedResultStore(store, metrics),
    /** `createIngestApp({ extend })`: adds `/metrics` and `/status.json`. */
    extend(app: Hono): void {
      mountStatusRoutes(app, {
        registry: metrics.registry,
        status,
        keys: config.auth.keys,
      });
    },
  };
}

export type Observability = ReturnType<typeof createObservability>;
