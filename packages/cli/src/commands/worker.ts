import type { RevokeListener } from '@warren/amqp';
import { ConfigError } from '@warren/core';
import {
  createLogger,
  createObservability,
  jobBindings,
  queueStatsFrom,
  serveStatus,
} from '@warren/observability';
import { createWorker } from '@warren/worker';
import { celeryRevokes } from '../runtime/celery-revokes';
import { createRuntime } from '../runtime/create-runtime';
import { embeddedDrops } from '../runtime/embedded-drops';
import { forceStopOptions } from '../runtime/force-stop';
import { loadConfig } from '../runtime/load-config';
import { watchLoopStalls } from '../runtime/loop-stalls';
import { onShutdown } from '../runtime/shutdown';
import { handleStrayErrors } from '../runtime/stray-errors';
import { consumerTimeoutWarnings } from './consumer-timeout-warning';

export interface WorkerCommandOptions {
  queues?: string[];
  concurrency?: number;
  /** Serve /metrics and /status.json here (the CLI reads $METRICS_PORT; unset = not served). */
  metricsPort?: number;
  /** Allow the in-memory broker and store when RABBITMQ_URL / REDIS_URL are unset. */
  embedded?: boolean;
}

/** `warren worker`: the long-running worker alone. */
export async function worker(opts: WorkerCommandOptions): Promise<void> {
  const config = await loadConfig();
  const logger = createLogger({ name: 'warren-worker' });
  // A typo consumed a new, empty queue in silence: say so (still consumed: a producer publishing
  // straight to a queue needs no config entry, but the ingest and the SDK refuse such a queue).
  for (const q of (opts.queues ?? []).filter((name) => name && !config.queues[name])) {
    const known = Object.keys(config.queues).join(', ');
    logger.warn(
      { queue: q },
      `queue "${q}" is not in the config (its queues: ${known}): consumed with default settings; no enqueue through the ingest or the SDK reaches it`,
    );
  }
  // The observability needs the runtime's broker (queue depths), the runtime its broker events.
  let brokerEvents: ((e: { type: string; queue?: string }) => void) | undefined;
  const rt = await createRuntime(config, process.env, {
    logger,
    embedded: opts.embedded,
    command: 'warren worker',
    onBrokerEvent: (e) => brokerEvents?.(e),
  });
  let consuming: readonly string[] = [];
  const obs = createObservability({
    config,
    logger,
    queueStats: queueStatsFrom(rt.brokers.get(config.region) ?? rt.consumer, (q) =>
      consuming.includes(q) ? 1 : 0,
    ),
    queues: () => consuming,
    processMetrics: true,
    roles: ['run'],
  });
  brokerEvents = obs.brokerEvents;
  // Celery revokes this worker hears (once consuming): a delivery of one is cancelled, not run.
  const revokes = celeryRevokes(config, rt.results, rt.brokers.get(config.region), logger);
  // Task names of the runs in progress, by job id: named when the event loop was blocked.
  const running = new Map<string, string>();
  const w = createWorker({
    config,
    consumer: rt.consumer,
    results: obs.results(revokes.store(rt.results)),
    onEvent: (e) => {
      if (e.type === 'started') running.set(e.job.id, e.job.task);
      else running.delete(e.job.id);
      obs.executorEvents(e);
    },
    runScope: obs.runScope,
    queues: opts.queues,
    concurrency: opts.concurrency,
    // Through the logger: one JSON line, redacted (a store URL's password rides in fetch's error).
    onError: (err, d) =>
      logger.error(
        { ...jobBindings(d.job, { attempt: d.attempt }), err },
        'infrastructure error; delivery released',
      ),
    // A run that ignored its timeout keeps its slot until it settles: say so, with the count.
    onRunaway: (change, r) =>
      logger[change === 'added' ? 'warn' : 'info'](
        { jobId: r.jobId, task: r.task, attempt: r.attempt, runaways: w.health().runaways },
        change !== 'added'
          ? 'runaway task settled; its slot is free again'
          : closing // aborted by the drain, not by its timeout: the line said "after its timeout"
            ? 'task still running after the shutdown aborted it (it ignores ctx.signal): its job is recorded retrying and handed back; the task is cut off when the process exits'
            : 'task still running after its timeout (runaway): it keeps its concurrency slot (with every slot held, consuming pauses and prefetched jobs go back to the queue)',
      ),
  });
  // Idling on no queue looked like a worker up and consuming while every job waited.
  if (w.queues.length === 0) {
    const why = opts.queues ? 'the --queues list is empty' : 'no task in the config has a handler';
    throw new ConfigError(`warren worker: no queues to consume (${why}; name them with --queues)`);
  }
  if (rt.brokers.size > 0) for (const msg of consumerTimeoutWarnings(config, w.queues)) logger.warn(msg);
  const metricsPort = opts.metricsPort; // --metrics-port or METRICS_PORT, validated by the CLI
  // Bound before consuming: a port in use must stop the start-up before any job is taken.
  const metrics = metricsPort ? await serveStatus(obs, metricsPort, undefined, () => w.health()) : undefined;
  // Keys are the ingest's setting, easily left out of a worker's environment: said, not silent.
  if (metrics && config.auth.keys.length === 0)
    logger.warn(
      { port: metricsPort },
      `/metrics and /status.json on port ${metricsPort} answer without a key (no WARREN_API_KEYS here): /status.json lists recent failures with their error messages; set WARREN_API_KEYS to require one, or keep the port private`,
    );
  // Stop consuming, let in-flight jobs finish (or abort and release them) within the worker's
  // shutdown timeout, then close; the process exits regardless a little after that. Installed
  // before consuming: a signal during start-up (w.stop() ends the subscribing) drains too.
  let closing: Promise<void> | undefined;
  let revokeListener: RevokeListener | undefined;
  // The in-memory broker (--embedded) holds no socket: with nothing else open, node exited 0 a
  // second after 'consuming'. Held until shutdown, as a broker connection would hold it.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const shutdown = () =>
    (closing ??= (async () => {
      clearInterval(keepAlive);
      stopStallWatch();
      await revokeListener?.close();
      await w.stop();
      // Closed once drained, not before: the drain may last shutdownTimeoutMs (up to a day), and
      // its scrapes (the outcomes of the jobs it finishes) and /healthz were refused meanwhile.
      metrics?.close();
      console.error(`worker ${w.workerId} drained; closing connections`);
      const dropped = embeddedDrops(rt.consumer); // --embedded: its jobs end with it
      if (dropped) console.error(dropped);
      await rt.close();
    })());
  const stopStallWatch = watchLoopStalls((blockedMs, shorterBlocksBefore) =>
    logger.warn(
      { blockedMs, running: [...new Set(running.values())], shorterBlocksBefore },
      'event loop blocked (synchronous work in a task?): no heartbeat, timer or I/O ran meanwhile; once blocked for about twice the AMQP heartbeat (10 s unless the broker URL sets heartbeat=), RabbitMQ drops the connection and requeues the unacked jobs (the copy of a running job waits behind its lease, its timeout + 30 s, so it runs once unless the block outlasts that). Run CPU-bound work in a worker thread or yield to the event loop',
    ),
  );
  const begin = onShutdown(shutdown, {
    deadlineMs: config.worker.shutdownTimeoutMs + 10_000,
    ...forceStopOptions(w, config.worker.leaseMarginMs, () => embeddedDrops(rt.consumer)),
  });
  handleStrayErrors(logger, begin);
  try {
    await w.start();
  } catch (err) {
    // A later queue's subscribe failed (e.g. declared elsewhere with other arguments) while the
    // earlier ones already run jobs: drain those as a SIGTERM would before exiting on the error;
    // killed mid-run they stayed 'running' behind their lease (timeout + 30 s) with the task cut.
    console.error('start-up failed; draining the jobs already taken');
    await shutdown();
    throw err;
  }
  consuming = w.queues;
  if (!closing) revokeListener = await revokes.listen(w.queues);
  if (closing) await revokeListener?.close(); // a signal came while it connected
  console.log(`warren worker ${w.workerId} consuming ${w.queues.join(', ')}`);
  for (const line of rt.describe) console.log(`  ${line}`);
  if (metricsPort) console.log(`  metrics: http://localhost:${metricsPort}/metrics`);
}
