import { celeryRevokeOnCancel } from '@warren/amqp';
import { createProducer, type JobRecord, type WarrenConfig } from '@warren/core';
import { createIngestApp, type IngestDeps, serveNode } from '@warren/ingest';
import { logJobCancelled, type Observability } from '@warren/observability';
import type { Runtime } from './create-runtime';

/** Builds and serves the ingest over a runtime's adapters (shared by `warren dev` and `warren ingest`). */
export async function startIngest(
  config: WarrenConfig,
  rt: Runtime,
  port: number,
  obs?: Observability,
  host?: string,
  /** Refuse requests naming another Host than loopback (an open ingest on loopback). */
  loopbackHostsOnly?: (app: Parameters<NonNullable<IngestDeps['extend']>>[0]) => void,
) {
  const results = obs ? obs.results(rt.results) : rt.results;
  // Through the logger when there is one: its redaction masks URL passwords and secrets.
  const report = (err: unknown, msg: string, fields: Record<string, unknown> = {}) =>
    obs ? obs.logger.error({ ...fields, err }, msg) : console.error(`${msg}:`, err);
  const producer = createProducer({
    config,
    publishers: rt.publishers,
    results,
    onEvent: obs?.producerEvents,
    onRecordError: (err, job) =>
      report(err, `record write failed for ${job.id} (job accepted)`, { jobId: job.id, task: job.task }),
  });
  obs?.useRouter(producer.router);
  obs?.useBrokers(rt.brokers);
  const router = producer.router;
  // A cancel is logged (the one state change no producer or executor event reports), then a job on
  // a Celery queue is revoked on every region's broker (Python workers skip it).
  const logCancel = obs && logJobCancelled(obs.logger);
  const revoke = celeryRevokeOnCancel(config, rt.brokers.values());
  const onCancelled =
    logCancel || revoke
      ? async (rec: JobRecord) => {
          logCancel?.(rec);
          await revoke?.(rec);
        }
      : undefined;
  const app = createIngestApp({
    config,
    producer,
    results,
    onRequest: obs?.onRequest,
    traceparent: obs?.traceparent,
    extend: (app) => {
      loopbackHostsOnly?.(app);
      obs?.extend(app);
    },
    readiness: rt.checks,
    // Each region's circuit state, when the router keeps one (several located regions).
    readinessDetails: router.status && (() => ({ regions: router.status!() })),
    onError: (err) => report(err, 'ingest error'),
    onCancelled,
  });
  const server = await serveNode(app, port, host).catch((err: NodeJS.ErrnoException) => {
    // Node's message alone said nothing of what to do (and `npm start` takes PORT, not a flag).
    if (err.code !== 'EADDRINUSE') throw err;
    throw new Error(
      `${err.message}: port ${port} is taken (another warren dev?): choose another with --port or PORT`,
      { cause: err },
    );
  });
  return { app, producer, server, results };
}
