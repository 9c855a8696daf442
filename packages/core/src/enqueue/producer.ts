import {
  ConflictError,
  type EnqueueRequest,
  type EnqueueResponse,
  type JobEnvelope,
  type JobRecord,
  UnavailableError,
} from '@warren/protocol';
import type { WarrenConfig } from '../config/define-config';
import type { Publisher } from '../ports/publisher';
import type { ResultStore } from '../ports/result-store';
import { createGeoRouter } from '../routing/geo-router';
import { type RegionRouter, type RoutingHint, staticRouter } from '../routing/router';
import { buildEnvelope } from './build-envelope';
import { createPublishWithFailover } from './publish-with-failover';

/** Marks an idempotency key whose job's publish had an unknown outcome (see `settleKey`). */
const UNCONFIRMED = 'unconfirmed:';

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
  const publishWithFailover = createPublishWithFailover({
    publishers,
    router,
    timeoutMs: config.ingest.publishTimeoutMs,
    onEvent: deps.onEvent,
  });

  function replayResponse(rec: JobRecord, baseUrl: string): EnqueueResult {
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

  /**
   * Claims the key for `id`. Answers the replay when the key's job exists, or the id to publish
   * under: `id` itself, or the id of an earlier request whose publish had an unknown outcome.
   */
  async function claim(key: string, id: string, ttlS: number, baseUrl: string) {
    const owner = await results.claimIdempotencyKey(key, id, ttlS);
    if (owner === id) return { id, claimed: true };
    const unconfirmed = owner.startsWith(UNCONFIRMED);
    const ownerId = unconfirmed ? owner.slice(UNCONFIRMED.length) : owner;
    const rec = await results.get(ownerId);
    if (rec) {
      deps.onEvent?.({ type: 'replayed', jobId: ownerId, idempotencyKey: key });
      return { replay: replayResponse(rec, baseUrl) };
    }
    if (!unconfirmed) {
      throw new ConflictError(`a request with idempotency key "${key}" is still being accepted`);
    }
    // The earlier publish may have landed: publish again under its id, which the worker runs once.
    return { id: ownerId, claimed: false };
  }

  /** After a failed publish: release the key only when nothing can have been enqueued under it. */
  async function settleKey(key: string, id: string, claimed: boolean, err: unknown, ttlS: number) {
    // UnavailableError: every region timed out or dropped before confirming, so the message may
    // be in a queue. Its key keeps naming the id, marked, so a retry publishes that same id.
    const unknownOutcome = err instanceof UnavailableError;
    if (!claimed) return; // an earlier request's marked key: still unknown, keep the mark
    await results.releaseIdempotencyKey(key, id);
    if (unknownOutcome) await results.claimIdempotencyKey(key, UNCONFIRMED + id, ttlS);
  }

  async function enqueue(req: EnqueueRequest, ctx: EnqueueContext = {}): Promise<EnqueueResult> {
    const built = buildEnvelope(config, req, {
      traceparent: ctx.traceparent,
      origin: config.region,
    });
    const { task, delayMs } = built;
    let envelope = built.envelope;
    const baseUrl = ctx.baseUrl ?? '';
    const key = envelope.idempotencyKey;
    const ttlS = task.resultTtlS ?? config.results.ttlS;
    let claimed = false;
    if (key) {
      const c = await claim(key, envelope.id, ttlS, baseUrl);
      if (c.replay) return c.replay;
      if (c.id !== envelope.id) envelope = { ...envelope, id: c.id };
      claimed = c.claimed;
    }
    let region: string;
    try {
      region = await publishWithFailover(envelope, delayMs, {
        region: req.region ?? ctx.region,
        location: ctx.location,
        locate: ctx.locate,
      });
    } catch (err) {
      if (key) await settleKey(key, envelope.id, claimed, err, ttlS).catch(() => {});
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
