import type { RegionStatus } from './geo-router';

/** What a request tells us about where its caller is. */
export interface RoutingHint {
  /** Explicit region id from the request body. */
  region?: string;
  /** Caller location from edge geo headers. */
  location?: { lat: number; lon: number };
  /**
   * The caller's location, worked out only if a router needs it (one that chooses among several
   * located regions): reading the geo headers is ~9 header lookups per request, wasted with one
   * region. Used when `location` is not given.
   */
  locate?: () => { lat: number; lon: number } | undefined;
}

export interface PublishReport {
  ok: boolean;
  latencyMs: number;
  /** For failures: whether the error was recoverable (connection-level) or not. */
  recoverable?: boolean;
}

/**
 * Orders regions for one request and learns from publish outcomes. The core producer reads
 * only this; the geo/circuit-breaker implementation lives beside it.
 */
export interface RegionRouter {
  order(hint: RoutingHint): string[];
  report(regionId: string, report: PublishReport): void;
  /**
   * A publish to the region begins; the function returned is called when it settles, however it
   * ends (routers that notice a region gone silent while its publishes wait).
   */
  begin?(regionId: string): () => void;
  /** Each region's health, for /readyz and metrics (routers that track health). */
  status?(): RegionStatus[];
}

/** Hinted region first, then the home region, then the rest in config order; no health tracking. */
export function staticRouter(regionIds: readonly string[], home: string): RegionRouter {
  return {
    order(hint) {
      const first = [hint.region, home].filter((r): r is string => !!r && regionIds.includes(r));
      return [...new Set([...first, ...regionIds])];
    },
    report() {},
  };
}
