import { celeryRevokeOnCancel } from '@warren/amqp';
import { createProducer, type WarrenConfig } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import type { Observability } from '@warren/observability';
import type { Runtime } from './create-runtime';

/** Builds and serves the ingest over a runtime's adapters (shared by `warren dev` and `warren ingest`). */
export async function startIngest(config: WarrenConfig, rt: Runtime, port: number, obs?: Observability) {
  const results = obs ? obs.results(rt.results) : rt.results;
  const producer = createProducer({
    config,
    publishers: rt.publishers,
    results,
    onEvent: obs?.producerEvents,
    onRecordError: (err, job) => console.error(`record write failed for ${job.id} (job accepted):`, err),
  });
  obs?.useRouter(producer.router);
  const router = producer.router;
  const app = createIngestApp({
    config,
    producer,
    results,
    onRequest: obs?.onRequest,
    extend: obs?.extend,
    readiness: rt.checks,
    // Each region's circuit state, when the router keeps one (several located regions).
    readinessDetails: router.status && (() => ({ regions: router.status!() })),
    onError: (err) => console.error(err),
    // A cancelled job on a Celery queue is revoked on every region's broker (Python workers skip it).
    onCancelled: celeryRevokeOnCancel(config, rt.brokers.values()),
  });
  const server = await serveNode(app, port);
  return { app, producer, server, results };
}
