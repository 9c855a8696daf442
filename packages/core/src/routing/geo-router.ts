import type { Region } from '../config/schema';
import { distanceKm, type LatLon } from './geo';
import { DEFAULT_HEALTH, type HealthOptions, RegionHealth } from './region-health';
import type { RegionRouter, RoutingHint } from './router';

export interface GeoRouterOptions {
  regions: readonly Pick<Region, 'id' | 'location' | 'weight'>[];
  /** This process's region: the origin when the request carries no location. */
  home: string;
  health?: Partial<HealthOptions>;
  /** A region is slow when its EWMA exceeds the fastest healthy one by this factor… */
  slowFactor?: number;
  /** …and by at least this many ms. */
  slowMarginMs?: number;
  /** How often a demoted (slow) region gets one request to re-measure it. */
  reprobeMs?: number;
  now?: () => number;
}

export interface RegionStatus {
  id: string;
  state: 'closed' | 'open' | 'half-open';
  slow: boolean;
  ewmaMs: number | undefined;
  failures: number;
}

/**
 * Nearest healthy region first: order by great-circle distance from the caller, then move
 * slow regions behind the fast ones and open circuits to the very end (still tried as a last
 * resort rather than answering 503 at once).
 */
export function createGeoRouter(opts: GeoRouterOptions): Required<RegionRouter> {
  const now = opts.now ?? Date.now;
  const healthOpts = { ...DEFAULT_HEALTH, ...opts.health };
  const slowFactor = opts.slowFactor ?? 3;
  const slowMarginMs = opts.slowMarginMs ?? 50;
  const reprobeMs = opts.reprobeMs ?? 5000;
  const regions = opts.regions.map((r) => ({ ...r, health: new RegionHealth(healthOpts) }));
  const byId = new Map(regions.map((r) => [r.id, r]));
  const homeLoc = byId.get(opts.home)?.location ?? regions[0]?.location ?? { lat: 0, lon: 0 };

  const fastest = () => {
    let min = Number.POSITIVE_INFINITY;
    for (const r of regions) {
      if (r.health.state === 'closed' && r.health.samples >= 3 && r.health.ewmaMs! < min)
        min = r.health.ewmaMs!;
    }
    return min;
  };
  const isSlow = (h: RegionHealth, min: number) =>
    h.samples >= 3 && h.ewmaMs! > min * slowFactor && h.ewmaMs! - min > slowMarginMs;

  return {
    order(hint: RoutingHint): string[] {
      const origin: LatLon = (hint.region && byId.get(hint.region)?.location) || hint.location || homeLoc;
      const t = now();
      const min = fastest();
      const sorted = regions
        .map((r) => ({
          r,
          d: r.id === hint.region ? -1 : distanceKm(origin, r.location) - (r.weight ?? 0) * 1e-6,
        }))
        .sort((a, b) => a.d - b.d);
      const fast: string[] = [];
      const slow: string[] = [];
      const open: string[] = [];
      for (const { r } of sorted) {
        const avail = r.health.available(t);
        if (avail === 'no') open.push(r.id);
        else if (avail === 'probe') {
          // Claim the half-open probe only where this request will really try the region first;
          // behind a healthy region it would sit "probing" without ever being sent a publish.
          if (fast.length === 0) {
            r.health.startProbe(t);
            fast.push(r.id);
          } else open.push(r.id);
        } else if (isSlow(r.health, min)) {
          if (t - r.health.lastProbeAt >= reprobeMs) {
            r.health.lastProbeAt = t;
            fast.push(r.id);
          } else slow.push(r.id);
        } else fast.push(r.id);
      }
      return [...fast, ...slow, ...open];
    },
    report(regionId, report) {
      const h = byId.get(regionId)?.health;
      if (!h) return;
      if (report.ok) h.success(report.latencyMs);
      else if (report.recoverable) h.failure(now());
    },
    status() {
      const min = fastest();
      return regions.map((r) => ({
        id: r.id,
        state: r.health.state,
        slow: r.health.state === 'closed' && isSlow(r.health, min),
        ewmaMs: r.health.ewmaMs,
        failures: r.health.failures,
      }));
    },
  };
}
