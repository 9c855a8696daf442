import { type JobEnvelope, TransportError, UnavailableError } from '@warren/protocol';
import { msUntil } from '../ms-until';
import type { Publisher } from '../ports/publisher';
import type { RegionRouter, RoutingHint } from '../routing/router';
import type { ProducerEvent } from './producer';

export interface FailoverDeps {
  publishers: ReadonlyMap<string, Publisher>;
  router: RegionRouter;
  timeoutMs: number;
  onEvent?: (e: ProducerEvent) => void;
}

/**
 * Publishes to the first region (in the router's order) that confirms; answers its id. Only a
 * TransportError is a region's failure: it is reported to the router (which opens circuits on
 * recoverable ones). Only a recoverable one moves on to the next region: adapters classify as
 * kombu does, and a non-recoverable error (access refused, a queue declared with other arguments,
 * an unroutable publish; a full queue too) says the same publish will fail again, so it is the
 * answer, not a reason to spread the job elsewhere (and hide a broken region behind slower
 * requests, since its circuit never opens on such errors). Anything else (a bug such as a
 * serialisation RangeError) rejects at once, unreported. When an earlier region failed
 * recoverably its message may have landed, so the answer stays UnavailableError (unknown
 * outcome: the idempotency key keeps the job id); none left → UnavailableError too.
 */
export function createPublishWithFailover(deps: FailoverDeps) {
  const { publishers, router, timeoutMs } = deps;
  return async function publishWithFailover(
    env: JobEnvelope,
    delayMs: number,
    hint: RoutingHint,
  ): Promise<string> {
    let lastErr: unknown;
    // The regions tried, for the 503: their ids only (an adapter's error text may name hosts).
    const tried: string[] = [];
    for (const regionId of router.order(hint)) {
      const publisher = publishers.get(regionId);
      if (!publisher) continue;
      tried.push(regionId);
      const started = performance.now();
      const settled = router.begin?.(regionId);
      try {
        // Usually the home region, which the envelope already names: no copy for that case.
        const out = env.origin === regionId ? env : { ...env, origin: regionId };
        // After a failed region, what is left of the delay: the job stays due when it was asked
        // to be (its notBefore), not later by the time the failed attempts took.
        const wait = lastErr === undefined || !env.notBefore ? delayMs : msUntil(env.notBefore);
        await publisher.publish(env.queue, out, { delayMs: wait, timeoutMs });
        const latencyMs = performance.now() - started;
        router.report(regionId, { ok: true, latencyMs });
        deps.onEvent?.({ type: 'publish', job: env, region: regionId, ok: true, latencyMs });
        return regionId;
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        const latencyMs = performance.now() - started;
        router.report(regionId, { ok: false, latencyMs, recoverable: err.recoverable });
        deps.onEvent?.({ type: 'publish', job: env, region: regionId, ok: false, latencyMs, error: err });
        if (!err.recoverable) {
          if (lastErr === undefined) throw err;
          throw unavailable(tried, err);
        }
        lastErr = err;
      } finally {
        settled?.();
      }
    }
    throw unavailable(tried, lastErr);
  };
}

const unavailable = (tried: string[], cause: unknown) =>
  new UnavailableError(
    `no region could confirm the publish${tried.length > 0 ? ` (tried ${tried.join(', ')})` : ''}`,
    2,
    cause,
  );
