import { createProducer, type WarrenConfig } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import type { Runtime } from './create-runtime';

/** Builds and serves the ingest over a runtime's adapters (shared by `warren dev` and `warren ingest`). */
export async function startIngest(config: WarrenConfig, rt: Runtime, port: number) {
  const producer = createProducer({
    config,
    publishers: rt.publishers,
    results: rt.results,
    onRecordError: (err, job) => console.error(`record write failed for ${job.id} (job accepted):`, err),
  });
  const app = createIngestApp({
    config,
    producer,
    results: rt.results,
    readiness: rt.checks,
    readinessDetails: () => ({
      regions: 'status' in producer.router ? (producer.router as { status(): unknown }).status() : undefined,
    }),
    onError: (err) => console.error(err),
  });
  const server = await serveNode(app, port);
  return { app, producer, server };
}
