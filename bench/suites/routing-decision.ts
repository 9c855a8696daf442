import { callerLocation, createGeoRouter, distanceKm } from '@warren/core';
import type { BenchContext, BenchSuite } from '../lib/types';

/** 20 regions spread over the globe (roughly the AWS region list). */
const REGIONS = [
  [38.9, -77.0],
  [40.0, -83.0],
  [37.4, -122.0],
  [45.8, -119.7],
  [43.7, -79.4],
  [-23.5, -46.6],
  [53.3, -6.3],
  [51.5, -0.1],
  [48.9, 2.3],
  [50.1, 8.7],
  [59.3, 18.1],
  [45.5, 9.2],
  [1.35, 103.8],
  [35.7, 139.7],
  [37.6, 127.0],
  [-33.9, 151.2],
  [19.1, 72.9],
  [22.3, 114.2],
  [25.3, 55.3],
  [-33.9, 18.4],
].map(([lat, lon], i) => ({ id: `r${i}`, location: { lat: lat!, lon: lon! } }));

const headerSets = Array.from({ length: 64 }, (_, i) => ({
  'cf-iplatitude': String(-60 + ((i * 37) % 120)),
  'cf-iplongitude': String(-170 + ((i * 71) % 340)),
}));

function measure(ctx: BenchContext, decide: (h: Record<string, string>) => string[]): Record<string, number> {
  const n = ctx.quick ? 100_000 : 500_000;
  for (let i = 0; i < 10_000; i++) decide(headerSets[i & 63]!); // warm up the JIT
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += decide(headerSets[i & 63]!).length;
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (sink === 0) throw new Error('unreachable');
  return { usPerDecision: ns / 1000 };
}

/**
 * The cost of choosing where a request goes: read the edge geo headers, order 20 regions by
 * great-circle distance, apply circuit/latency health. Baseline: the same distance sort with no
 * header parsing and no health tracking.
 */
const suite: BenchSuite = {
  id: 'routing-decision',
  title: 'Region choice per request (20 regions)',
  metrics: [{ key: 'usPerDecision', label: 'µs per decision', unit: 'µs', better: 'lower' }],
  sides: [
    {
      name: 'warren geo router (headers + distance + health)',
      role: 'warren',
      run: async (ctx) => {
        const router = createGeoRouter({ regions: REGIONS, home: 'r0' });
        for (const r of REGIONS)
          for (let i = 0; i < 5; i++) router.report(r.id, { ok: true, latencyMs: 2 + (i % 3) });
        return measure(ctx, (h) => router.order({ location: callerLocation((k) => h[k]) }));
      },
    },
    {
      name: 'bare distance sort',
      role: 'baseline',
      run: async (ctx) =>
        measure(ctx, (h) => {
          const loc = { lat: Number(h['cf-iplatitude']), lon: Number(h['cf-iplongitude']) };
          return REGIONS.map((r) => ({ id: r.id, d: distanceKm(loc, r.location) }))
            .sort((a, b) => a.d - b.d)
            .map((r) => r.id);
        }),
    },
  ],
};

export default suite;
