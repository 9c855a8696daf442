import type { Region } from '../config/schema';
import { type LatLon, RAD } from './geo';
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
  /**
   * A region where publishes have waited this long with none settling (at least; or `slowFactor`
   * times its confirm EWMA, if longer) is passed over like an open one until they settle.
   */
  silentMs?: number;
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
  const silentMs = opts.silentMs ?? 1000;
  const regions = opts.regions.map((r) => ({
    ...r,
    health: new RegionHealth(healthOpts),
    latRad: r.location.lat * RAD,
    lonRad: r.location.lon * RAD,
    cosLat: Math.cos(r.location.lat * RAD),
  }));
  const n = regions.length;
  const keys = new Float64Array(n);
  const idx = new Uint32Array(n);
  const before = (x: number, y: number) =>
    keys[x]! < keys[y]! || (keys[x] === keys[y] && (regions[x]!.weight ?? 0) > (regions[y]!.weight ?? 0));
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
      const origin: LatLon =
        (hint.region && byId.get(hint.region)?.location) ||
        hint.location ||
        (n > 1 ? hint.locate?.() : undefined) ||
        homeLoc;
      const t = now();
      const min = fastest();
      // Haversine term per region with the region's trig precomputed: monotonic in distance, so
      // it orders without asin/sqrt; an explicit region hint sorts first; weight breaks ties.
      const oLat = origin.lat * RAD;
      const oLon = origin.lon * RAD;
      const oCos = Math.cos(oLat);
      for (let i = 0; i < n; i++) {
        const r = regions[i]!;
        const a = Math.sin((r.latRad - oLat) / 2);
        const b = Math.sin((r.lonRad - oLon) / 2);
        keys[i] = r.id === hint.region ? -1 : a * a + oCos * r.cosLat * b * b;
        idx[i] = i;
      }
      // Insertion sort: a handful of regions, no allocation.
      for (let i = 1; i < n; i++) {
        const cur = idx[i]!;
        let j = i - 1;
        while (j >= 0 && before(cur, idx[j]!)) {
          idx[j + 1] = idx[j]!;
          j--;
        }
        idx[j + 1] = cur;
      }
      // Fast regions in distance order, then slow ones, then open circuits (a last resort).
      const fast: string[] = [];
      const slow: string[] = [];
      const open: string[] = [];
      for (let k = 0; k < n; k++) {
        const r = regions[idx[k]!]!;
        const avail = r.health.available(t);
        // A broker that stopped answering with its connection up (SIGSTOP, a partition) fails
        // nothing until the first publish times out (publishTimeoutMs, 5 s): its circuit stays
        // closed, and every request meanwhile waited that long on it too. Measured by what waits.
        // Past the probe timeout a publish that never settled (a publisher without a bound) no
        // longer counts: the region gets its probes again, as before.
        const silent = r.health.silentFor(t);
        if (
          avail === 'no' ||
          (silent > Math.max(silentMs, slowFactor * (r.health.ewmaMs ?? 0)) &&
            silent < healthOpts.probeTimeoutMs)
        )
          open.push(r.id);
        else if (avail === 'probe') {
          // Claim the half-open probe only where this request will really try the region first;
          // behind a healthy region it would sit "probing" without ever being sent a publish.
          if (fast.length === 0) {
            r.health.startProbe(t);
            fast.push(r.id);
          } else open.push(r.id);
          // A hinted region is tried first while it confirms, slow or not: the hint passes over
          // only a region that is down (README, OpenAPI), else its jobs silently land elsewhere.
        } else if (r.id !== hint.region && isSlow(r.health, min)) {
          // Like the probe, the re-measure: claimed behind a nearer region it is never sent, and
          // a caller for whom this region is nearest waits another reprobeMs for its re-measure.
          if (fast.length === 0 && t - r.health.lastProbeAt >= reprobeMs) {
            r.health.lastProbeAt = t;
            fast.push(r.id);
          } else slow.push(r.id);
        } else fast.push(r.id);
      }
      for (const id of slow) fast.push(id);
      for (const id of open) fast.push(id);
      return fast;
    },
    begin(regionId) {
      const h = byId.get(regionId)?.health;
      if (!h) return () => {};
      h.begin(now());
      let settled = false;
      return () => {
        if (settled) return;
        settled = true;
        h.settle(now());
      };
    },
    report(regionId, report) {
      const h = byId.get(regionId)?.health;
      if (!h) return;
      if (report.ok) {
        // A demoted region's fast confirm (its re-measure) restarts its EWMA there: 20 % steps
        // from the second-long confirms of a stall kept it demoted for ~15 more re-measures (over
        // a minute at 5 s each) after it answered fast again. Checked only for a sample well below
        // the EWMA, so the steady state costs no scan of the regions.
        if (h.samples >= 3 && report.latencyMs * slowFactor < h.ewmaMs!) {
          const min = fastest();
          if (
            isSlow(h, min) &&
            !(report.latencyMs > min * slowFactor && report.latencyMs - min > slowMarginMs)
          )
            h.ewmaMs = undefined;
        }
        h.success(report.latencyMs);
      } else if (report.recoverable) h.failure(now());
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
