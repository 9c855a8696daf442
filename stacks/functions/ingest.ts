/**
 * Lambda entry: the warren ingest (Hono app through `hono/aws-lambda`) behind a Function URL.
 * Configured from the environment the deploy plan sets (stacks/plan.ts): WARREN_REGION, the
 * region catalogue (WARREN_REGIONS) and the linked secrets (API keys, broker URLs, Upstash),
 * which `resolveWarrenEnv` turns into the variables the CLI runtime reads. The adapters (one
 * confirmed AMQP publisher per region, the Upstash result store) come from `createRuntime`, the
 * same code `warren ingest` runs on a server.
 */
import { celeryRevokeOnCancel } from '@warren/amqp';
import { applyEnv, createRuntime } from '@warren/cli';
import { createProducer } from '@warren/core';
// The subpath, not the index: the index re-exports buildOpenApi, which esbuild would then place in
// an import-time chunk though /openapi.json loads it with import() on its first request.
import { createLambdaIngest } from '@warren/ingest/lambda';
import { activeTraceparent, jobBindings, logJobCancelled, logProducerEvents } from '@warren/observability';
import { Resource } from 'sst/resource';
// Bundled into the function: the same config `sst deploy` planned the infrastructure from.
import config from '../../warren.config';
import { resolveWarrenEnv } from './shared/deploy-env';
import { lambdaLogger, startupFailed } from './shared/lambda-logs';

type LambdaHandler = ReturnType<typeof createLambdaIngest>;

/** Linked SST secrets; undefined outside an SST deployment (tests, a plain `node` run). */
function linkedSecret(name: string): string | undefined {
  try {
    const v = (Resource as unknown as Record<string, { value?: unknown } | undefined>)[name]?.value;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

const logger = lambdaLogger('warren-ingest');

async function build(): Promise<LambdaHandler> {
  const env = resolveWarrenEnv(process.env, linkedSecret) as NodeJS.ProcessEnv;
  const cfg = applyEnv(config, env);
  // Broker connection events (connect failures, disconnects) as lines, as `warren ingest` logs them.
  // No store ping: a store outage must not fail the cold start (the ingest still takes jobs).
  // A cold start during this region's broker outage still serves (jobs fail over to the others).
  const rt = await createRuntime(cfg, env, { logger, pingStore: false, producerOnly: true });
  const producer = createProducer({
    config: cfg,
    publishers: rt.publishers,
    results: rt.results,
    // One line per accepted job (jobId, task, queue, region, the traceparent's trace id) and per
    // region that did not confirm, as `warren ingest` writes them.
    onEvent: logProducerEvents(logger),
    onRecordError: (err, job) =>
      logger.error({ ...jobBindings(job), err }, `record write failed for ${job.id} (job accepted)`),
  });
  const logCancel = logJobCancelled(logger);
  const revoke = celeryRevokeOnCancel(cfg, rt.brokers.values());
  return createLambdaIngest({
    config: cfg,
    producer,
    results: rt.results,
    readiness: rt.checks,
    // Each region's circuit state, when the router keeps one (several located regions), as
    // `warren ingest` shows it (startIngest).
    readinessDetails: producer.router.status && (() => ({ regions: producer.router.status!() })),
    // Through the logger: its redaction masks a store or broker URL's password in the error.
    onError: (err) => logger.error({ err }, 'ingest error'),
    // An ADOT layer's span for this request, when one is registered: its jobs continue it.
    traceparent: activeTraceparent,
    // One line per cancel (as `warren ingest` writes it), then the Celery revoke where one applies.
    onCancelled: async (rec) => {
      logCancel(rec);
      await revoke?.(rec);
    },
  });
}

// Built on the first request and reused while the process lives; a failed build is retried.
let ready: Promise<LambdaHandler> | undefined;

export const handler: LambdaHandler = async (event, context) => {
  ready ??= build().catch((err) => {
    ready = undefined;
    return startupFailed(logger)(err);
  });
  return (await ready)(event, context);
};
