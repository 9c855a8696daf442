import { type JobEnvelope, QueueFullError, TransportError, UnavailableError } from '@warren/protocol';
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
 * recoverable ones) and the next region is tried. A full queue is an answer, not a failure of the
 * region, and anything else (a bug such as a serialisation RangeError) would fail the same way in
 * every region: both reject at once, unreported. None left → UnavailableError (unknown outcome).
 */
export function createPublishWithFailover(deps: FailoverDeps) {
  const { publishers, router, timeoutMs } = deps;
  return async function publishWithFailover(
    env: JobEnvelope,
    delayMs: number,
    hint: RoutingHint,
  ): Promise<string> {
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
        if (!(err instanceof TransportError)) throw err;
        const latencyMs = performance.now() - started;
        router.report(regionId, { ok: false, latencyMs, recoverable: err.recoverable });
        deps.onEvent?.({ type: 'publish', job: env, region: regionId, ok: false, latencyMs, error: err });
        if (err instanceof QueueFullError) throw err;
        lastErr = err;
      }
    }
    throw new UnavailableError('no region could confirm the publish', 2, lastErr);
  };
}
