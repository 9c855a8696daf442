import {
  ConflictError,
  type EnqueueRequest,
  type EnqueueResponse,
  type JobEnvelope,
  QueueFullError,
  TransportError,
  UnavailableError,
} from '@warren/protocol';
import type { WarrenConfig } from '../config/define-config';
import type { Publisher } from '../ports/publisher';
import type { ResultStore } from '../ports/result-store';
import { createGeoRouter } from '../routing/geo-router';
import { type RegionRouter, type RoutingHint, staticRouter } from '../routing/router';
import { buildEnvelope } from './build-envelope';

export interface ProducerDeps {
  config: WarrenConfig;
  /** One publisher per region id (the embedded default: one region, `config.region`). */
  publishers: ReadonlyMap<string, Publisher>;
  results: ResultStore;
  router?: RegionRouter;
  /** Called when the record write after a confirmed publish fails (the job still runs). */
  onRecordError?: (err: unknown, job: JobEnvelope) => void;
  /** Every publish attempt and every accepted job, for metrics and logs. */
  onEvent?: (e: ProducerEvent) => void;
}

export type ProducerEvent =
  | { type: 'publish'; job: JobEnvelope; region: string; ok: boolean; latencyMs: number; error?: unknown }
  | { type: 'enqueued'; job: JobEnvelope; region: string }
  | { type: 'replayed'; jobId: string; idempotencyKey: string };

export interface EnqueueContext extends RoutingHint {
  traceparent?: string;
  /** Base URL for `links.self`. */
  baseUrl?: string;
}

export interface EnqueueResult {
  replayed: boolean;
  response: EnqueueResponse;
}

/**
 * The enqueue use case shared by the ingest and `@warren/sdk/direct`: validate, claim the
 * idempotency key, publish with confirms to the first region that accepts, then record the job.
 * The record is written only after the confirm, so a failed publish leaves nothing half-recorded.
 */
export function createProducer(deps: ProducerDeps) {
  const { config, publishers, results } = deps;
  const located = config.regions.filter((r) => publishers.has(r.id));
  const router =
    deps.router ??
    (located.length > 0
      ? createGeoRouter({ regions: located, home: config.region })
      : staticRouter([...publishers.keys()], config.region));
  const timeoutMs = config.ingest.publishTimeoutMs;

  async function publishWithFailover(env: JobEnvelope, delayMs: number, hint: RoutingHint): Promise<string> {
    let lastErr: unknown;
    for (const regionId of router.order(hint)) {
      const publisher = publishers.get(regionId);
      if (!publisher) continue;
      const started = performance.now();
      try {
        // Usually the home region, which the envelope already names: no copy for that case.
        const out = env.origin === regionId ? env : { ...env, origin: regionId };
        await publisher.publish(env.queue, out, { delayMs, timeoutMs });
        const latencyMs = performance.now() - started;
        router.report(regionId, { ok: true, latencyMs });
        deps.onEvent?.({ type: 'publish', job: env, region: regionId, ok: true, latencyMs });
        return regionId;
      } catch (err) {
        const recoverable = err instanceof TransportError && err.recoverable;
        const latencyMs = performance.now() - started;
        router.report(regionId, { ok: false, latencyMs, recoverable });
        deps.onEvent?.({ type: 'publish', job: env, region: regionId, ok: false, latencyMs, error: err });
        if (err instanceof QueueFullError || !(err instanceof TransportError)) throw err;
        lastErr = err;
      }
    }
    throw new UnavailableError('no region could confirm the publish', 2, lastErr);
  }

  async function replay(key: string, existingId: string, baseUrl: string): Promise<EnqueueResult> {
    const rec = await results.get(existingId);
    if (!rec) throw new ConflictError(`a request with idempotency key "${key}" is still being accepted`);
    return {
      replayed: true,
      response: {
        id: rec.id,
        task: rec.task,
        queue: rec.queue,
        state: rec.state,
        region: rec.region ?? config.region,
        enqueuedAt: rec.enqueuedAt,
        ...(rec.notBefore ? { notBefore: rec.notBefore } : {}),
        links: { self: `${baseUrl}/v1/jobs/${rec.id}` },
      },
    };
  }

  async function enqueue(req: EnqueueRequest, ctx: EnqueueContext = {}): Promise<EnqueueResult> {
    const { task, envelope, delayMs } = buildEnvelope(config, req, {
      traceparent: ctx.traceparent,
      origin: config.region,
    });
    const baseUrl = ctx.baseUrl ?? '';
    const key = envelope.idempotencyKey;
    const ttlS = task.resultTtlS ?? config.results.ttlS;
    if (key) {
      const owner = await results.claimIdempotencyKey(key, envelope.id, ttlS);
      if (owner !== envelope.id) {
        deps.onEvent?.({ type: 'replayed', jobId: owner, idempotencyKey: key });
        return replay(key, owner, baseUrl);
      }
    }
    let region: string;
    try {
      region = await publishWithFailover(envelope, delayMs, {
        region: req.region ?? ctx.region,
        location: ctx.location,
        locate: ctx.locate,
      });
    } catch (err) {
      if (key) await results.releaseIdempotencyKey(key, envelope.id).catch(() => {});
      throw err;
    }
    const state = envelope.notBefore ? 'scheduled' : 'queued';
    deps.onEvent?.({ type: 'enqueued', job: { ...envelope, origin: region }, region });
    try {
      await results.create(envelope.id, state, {
        task: envelope.task,
        queue: envelope.queue,
        input: envelope.input,
        enqueuedAt: envelope.enqueuedAt,
        maxAttempts: envelope.maxAttempts,
        region,
        notBefore: envelope.notBefore,
        expiresAt: envelope.expiresAt,
        idempotencyKey: key,
        ttlS,
      });
    } catch (err) {
      // The broker confirmed: the job is accepted and the worker will create the record.
      deps.onRecordError?.(err, envelope);
    }
    return {
      replayed: false,
      response: {
        id: envelope.id,
        task: envelope.task,
        queue: envelope.queue,
        state,
        region,
        enqueuedAt: envelope.enqueuedAt,
        ...(envelope.notBefore ? { notBefore: envelope.notBefore } : {}),
        links: { self: `${baseUrl}/v1/jobs/${envelope.id}` },
      },
    };
  }

  return { enqueue, router };
}

export type Producer = ReturnType<typeof createProducer>;
