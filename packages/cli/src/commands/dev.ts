import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import { serveRedisRest } from '@warren/results';
import { createWorker } from '@warren/worker';
import { celeryRevokes } from '../runtime/celery-revokes';
import { createRuntime } from '../runtime/create-runtime';
import { embeddedDrops } from '../runtime/embedded-drops';
import { forceStopOptions } from '../runtime/force-stop';
import { startIngest } from '../runtime/ingest-server';
import { loadConfig } from '../runtime/load-config';
import { loopbackHostsOnly } from '../runtime/loopback-hosts';
import { onParentExit } from '../runtime/parent-exit';
import { onShutdown } from '../runtime/shutdown';
import { handleStrayErrors } from '../runtime/stray-errors';
import { unconsumedQueuesWarning } from '../runtime/unconsumed-queues';
import { devTryLines } from './dev-try-lines';

/** The REST endpoint's token when UPSTASH_REDIS_REST_TOKEN is unset (printed at start). */
const DEV_REST_TOKEN = 'warren-dev-token';

export interface DevOptions {
  port: number;
  /** Listen address; unset: loopback while no API keys are configured (an open ingest), else all. */
  host?: string;
  worker: boolean;
  /** Exit 1 if shutdown takes longer (default 30 s). */
  shutdownTimeoutMs?: number;
}

/** `warren dev`: ingest + in-process worker on whatever the environment provides (embedded by default). */
export async function dev(opts: DevOptions): Promise<void> {
  const config = await loadConfig();
  const logger = createLogger({ name: 'warren-dev' });
  // The observability needs the runtime's broker (queue depths), the runtime its broker events
  // (dead-lettered messages), as in `warren worker`.
  let brokerEvents: ((e: { type: string; queue?: string }) => void) | undefined;
  const rt = await createRuntime(config, process.env, {
    logger,
    embedded: true,
    // Without its worker, an embedded broker's jobs run nowhere: named so that it says so.
    command: opts.worker ? undefined : 'warren dev --no-worker',
    onBrokerEvent: (e) => brokerEvents?.(e),
  });
  let consuming: readonly string[] = [];
  const obs = createObservability({
    config,
    logger,
    queueStats: queueStatsFrom(rt.brokers.get(config.region) ?? rt.consumer, (q) =>
      consuming.includes(q) ? 1 : 0,
    ),
    processMetrics: true,
    roles: opts.worker ? ['enqueue', 'run'] : ['enqueue'],
  });
  brokerEvents = obs.brokerEvents;
  // The same ingest as `warren ingest` (readiness details, revokes, metrics), over this runtime.
  // Open (no API keys), it answers this machine only unless asked: anyone on the network could
  // otherwise enqueue the app's tasks (as Vite and Next.js dev servers keep to loopback).
  const open = config.auth.keys.length === 0;
  const host = opts.host || (open ? '127.0.0.1' : '0.0.0.0');
  // Open on loopback by default: also only for loopback names (a DNS-rebound page names its own).
  const hostCheck = open && !opts.host ? loopbackHostsOnly : undefined;
  const { server, results } = await startIngest(config, rt, opts.port, obs, host, hostCheck);
  // A Celery client's revoke of a task on a Celery queue the worker consumes, as in `warren worker`.
  const revokes = celeryRevokes(config, rt.results, rt.brokers.get(config.region), logger);
  const worker = opts.worker
    ? createWorker({
        config,
        consumer: rt.consumer,
        results: revokes.store(results),
        onEvent: obs.executorEvents,
        runScope: obs.runScope,
      })
    : undefined;
  await worker?.start();
  consuming = worker?.queues ?? [];
  const revokeListener = worker ? await revokes.listen(worker.queues) : undefined;
  // With a real Redis, also serve the Upstash-REST-compatible endpoint beside the ingest, so
  // edge/Lambda-style code using @upstash/redis (the REST result store) runs against it locally.
  // Empty is unset: an empty token would be the endpoint's own, printed as taken from the variable.
  const restToken = process.env.UPSTASH_REDIS_REST_TOKEN || undefined;
  const rest = process.env.REDIS_URL
    ? await serveRedisRest({
        port: opts.port + 1,
        redisUrl: process.env.REDIS_URL,
        token: restToken ?? DEV_REST_TOKEN,
        onError: (err) => console.error(`redis-rest: ${err.message}`),
      }).catch((err: Error) => {
        // Alone, 'listen EADDRINUSE ...:8788' named a port the user never asked for.
        throw new Error(
          `the Upstash REST endpoint warren dev serves with REDIS_URL on PORT + 1 (${opts.port + 1}): ${err.message}`,
          { cause: err },
        );
      })
    : undefined;

  const url = `http://localhost:${opts.port}`;
  console.log(`warren dev — ingest on ${url}${worker ? `, worker on ${worker.queues.join(', ')}` : ''}`);
  for (const line of rt.describe) console.log(`  ${line}`);
  // Embedded (no broker of a region): its worker is the only one there can be.
  const idle = worker && rt.brokers.size === 0 ? unconsumedQueuesWarning(config, worker.queues) : undefined;
  if (idle) console.log(`  ${idle}`);
  if (rest)
    console.log(
      `  Upstash REST endpoint: UPSTASH_REDIS_REST_URL=${rest.url} ${
        // The caller's own token is a secret: not echoed. The fixed one is the only way to learn it.
        restToken === undefined
          ? `UPSTASH_REDIS_REST_TOKEN=${DEV_REST_TOKEN}`
          : '(token from UPSTASH_REDIS_REST_TOKEN)'
      }`,
    );
  const hints = devTryLines(url, config);
  console.log(`  dashboard: ${url}/dashboard · metrics: ${url}/metrics · status: ${hints.statusHint}`);
  if (open) {
    const reach =
      host === '127.0.0.1'
        ? 'listening on 127.0.0.1 only (--host 0.0.0.0 or WARREN_HOST to expose it)'
        : `listening on ${host}: anyone who can reach it`;
    console.warn(
      `\n  ⚠  WARNING: no API keys configured — this ingest accepts jobs from anyone; ${reach}.\n` +
        '     Fine for local development; set WARREN_API_KEYS before exposing it. `warren ingest` refuses to run open.\n',
    );
  }
  console.log(hints.tryBlock);

  const begin = onShutdown(
    async () => {
      server.close();
      await rest?.close();
      await revokeListener?.close();
      await worker?.stop();
      // The embedded broker's jobs end with the process (RabbitMQ would keep them): said, not silent.
      const dropped = embeddedDrops(rt.consumer);
      if (dropped) console.error(dropped);
      await rt.close();
    },
    {
      // With a worker, leave it the drain its config allows before giving up, as `warren worker` does.
      deadlineMs: opts.shutdownTimeoutMs ?? (worker ? config.worker.shutdownTimeoutMs + 10_000 : undefined),
      // A second Ctrl-C as in `warren worker`: it exited at once, its running jobs left to their leases.
      ...(worker && forceStopOptions(worker, config.worker.leaseMarginMs, () => embeddedDrops(rt.consumer))),
    },
  );
  handleStrayErrors(logger, begin); // tasks run in this process too
  // `npm start` on a dash /bin/sh: a SIGTERM to npm ends npm and its shell, not this process.
  // Only under an npm script: one started with nohup or `&` outlives its shell on purpose.
  if (process.env.npm_lifecycle_event) onParentExit(() => begin('parent process exited', 0));
}
