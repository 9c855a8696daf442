import { type EnqueueRequest, type EnqueueResponse, type JobEnvelope, WarrenError } from '@warren/protocol';
import type { WarrenConfig } from '../config/define-config';
import type { Publisher } from '../ports/publisher';
import type { ResultStore } from '../ports/result-store';
import { createGeoRouter } from '../routing/geo-router';
import { DEFAULT_HEALTH } from '../routing/region-health';
import { type RegionRouter, type RoutingHint, staticRouter } from '../routing/router';
import { waitingTtlS } from '../state/waiting-ttl';
import { buildEnvelope } from './build-envelope';
import { createLater, LATE_CREATE_MARGIN_MS, QUEUED_MIN_DONE_TTL_S } from './create-later';
import { type ClaimOutcome, createIdempotency } from './idempotency-claim';
import { createPublishWithFailover } from './publish-with-failover';

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
  /** The W3C tracestate that came with `traceparent` (normalizeTracestate), carried to the job's runs. */
  tracestate?: string;
  /** Base URL for `links.self`. */
  baseUrl?: string;
  /**
   * The job id, fixed by a caller that retries an enqueue whose outcome is unknown (a 503 after a
   * publish that may have landed): the retry republishes the same id, which a worker runs once,
   * without the store round trip an idempotency key's claim costs. An idempotency key's claim wins.
   */
  jobId?: string;
  /**
   * The caller's idempotency scope (the ingest: from its API key, see idempotency-scope.ts): its
   * idempotency keys are its own. None (an open ingest, a direct producer): keys are shared.
   */
  idempotencyScope?: string;
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
      ? createGeoRouter({
          regions: located,
          home: config.region,
          // A half-open region's probe may take the whole publish timeout: until then it blocks
          // other probes. With the 5 s default under a longer publishTimeoutMs (8 s), a request
          // during the probe became a second probe and hung on the region (2.7 s) too.
          health: {
            probeTimeoutMs: Math.max(DEFAULT_HEALTH.probeTimeoutMs, config.ingest.publishTimeoutMs + 1000),
          },
        })
      : staticRouter([...publishers.keys()], config.region));
  const publishWithFailover = createPublishWithFailover({
    publishers,
    router,
    timeoutMs: config.ingest.publishTimeoutMs,
    onEvent: deps.onEvent,
  });
  const recordLater = createLater();
  const idempotency = createIdempotency({
    results,
    region: config.region,
    onEvent: deps.onEvent,
  });

  async function enqueue(req: EnqueueRequest, ctx: EnqueueContext = {}): Promise<EnqueueResult> {
    const building = buildEnvelope(config, req, {
      traceparent: ctx.traceparent,
      tracestate: ctx.tracestate,
      origin: config.region,
      id: ctx.jobId,
      idempotencyScope: ctx.idempotencyScope,
    });
    const built = building instanceof Promise ? await building : building;
    const { task, delayMs } = built;
    let envelope = built.envelope;
    const baseUrl = ctx.baseUrl ?? '';
    const key = envelope.idempotencyKey;
    // The record (and the key naming it) must last until the job runs, also behind a backlog: a
    // shorter resultTtlS or results.ttlS counts from the job's end, so it is not used while it waits.
    const ttlS = waitingTtlS(Math.max(task.resultTtlS ?? 0, config.results.ttlS), delayMs);
    let claimed = false;
    if (key) {
      let c: ClaimOutcome;
      try {
        c = await idempotency.claim(key, envelope, ttlS, baseUrl);
      } catch (err) {
        // A store failure, not an answer (409, 422): the claim may have run, its reply lost.
        if (!(err instanceof WarrenError) || err.status >= 500)
          await idempotency.unclaim(key, envelope.id, ttlS);
        throw err;
      }
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
      if (key) await idempotency.settle(key, envelope, claimed, err, ttlS).catch(() => {});
      throw err;
    }
    const state = envelope.notBefore ? 'scheduled' : 'queued';
    deps.onEvent?.({ type: 'enqueued', job: { ...envelope, origin: region }, region });
    const id = envelope.id;
    const record = {
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
    };
    try {
      await results.create(id, state, record);
    } catch (err) {
      // The broker confirmed: the job is accepted and the worker will create the record; it is
      // tried again meanwhile where a late write cannot outlive the job (see create-later.ts).
      deps.onRecordError?.(err, envelope);
      const until = envelope.notBefore
        ? Date.parse(envelope.notBefore) - LATE_CREATE_MARGIN_MS
        : (task.resultTtlS ?? config.results.ttlS) >= QUEUED_MIN_DONE_TTL_S
          ? Date.now() + ttlS * 1000
          : 0;
      recordLater(() => results.create(id, state, record), until, err);
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
