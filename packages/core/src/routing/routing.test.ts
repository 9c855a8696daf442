import { describe, expect, it } from 'vitest';
import { callerLocation } from './caller-location';
import { countryCentroid } from './country-centroids';
import { distanceKm } from './geo';
import { createGeoRouter } from './geo-router';
import { staticRouter } from './router';

const regions = [
  { id: 'eu-west', location: { lat: 53.3, lon: -6.3 } }, // Dublin
  { id: 'us-east', location: { lat: 38.9, lon: -77.0 } }, // Virginia
  { id: 'ap-south', location: { lat: 19.1, lon: 72.9 } }, // Mumbai
];
const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

function clockRouter(extra: Partial<Parameters<typeof createGeoRouter>[0]> = {}) {
  let t = 1_000_000;
  const router = createGeoRouter({ regions, home: 'eu-west', now: () => t, ...extra });
  return { router, tick: (ms: number) => (t += ms) };
}

describe('geo', () => {
  it('computes great-circle distances', () => {
    expect(distanceKm({ lat: 51.5, lon: -0.13 }, { lat: 48.86, lon: 2.35 })).toBeCloseTo(343, -1); // London–Paris
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(20_015, -2);
  });
  it('reads coordinates from CloudFront, Cloudflare and Vercel headers, in that order', () => {
    expect(
      callerLocation(headers({ 'cloudfront-viewer-latitude': '1.5', 'cloudfront-viewer-longitude': '2' })),
    ).toEqual({ lat: 1.5, lon: 2 });
    expect(
      callerLocation(
        headers({
          'cf-iplatitude': '3',
          'cf-iplongitude': '4',
          'x-vercel-ip-latitude': '9',
          'x-vercel-ip-longitude': '9',
        }),
      ),
    ).toEqual({ lat: 3, lon: 4 });
    expect(
      callerLocation(headers({ 'x-vercel-ip-latitude': '-33.9', 'x-vercel-ip-longitude': '151.2' })),
    ).toEqual({ lat: -33.9, lon: 151.2 });
  });
  it('ignores junk coordinates and falls back to a country centroid', () => {
    expect(
      callerLocation(headers({ 'cf-iplatitude': 'abc', 'cf-iplongitude': '4', 'cf-ipcountry': 'IN' })),
    ).toEqual(countryCentroid('IN'));
    expect(callerLocation(headers({ 'cf-iplatitude': '95', 'cf-iplongitude': '4' }))).toBeUndefined();
    expect(callerLocation(headers({ 'cf-ipcountry': 'XX' }))).toBeUndefined();
    expect(countryCentroid('de')).toMatchObject({ lat: expect.closeTo(51, 0), lon: expect.closeTo(9, 0) });
    expect(callerLocation(headers({}))).toBeUndefined();
  });
});

describe('geo router', () => {
  it('orders regions by distance from the caller', () => {
    const { router } = clockRouter();
    expect(router.order({ location: { lat: 40.7, lon: -74 } })).toEqual(['us-east', 'eu-west', 'ap-south']);
    expect(router.order({ location: { lat: 28.6, lon: 77.2 } })).toEqual(['ap-south', 'eu-west', 'us-east']);
  });
  it('asks for the caller location lazily, and only when there is a choice to make', () => {
    const { router } = clockRouter();
    let asked = 0;
    const locate = () => {
      asked++;
      return { lat: 40.7, lon: -74 };
    };
    expect(router.order({ locate })).toEqual(['us-east', 'eu-west', 'ap-south']);
    expect(asked).toBe(1);
    expect(router.order({ location: { lat: 28.6, lon: 77.2 }, locate })[0]).toBe('ap-south');
    expect(asked).toBe(1);
    const single = createGeoRouter({ regions: [regions[0]!], home: 'eu-west' });
    expect(single.order({ locate })).toEqual(['eu-west']);
    expect(asked).toBe(1);
  });
  it('puts an explicit region first and falls back to the home region', () => {
    const { router } = clockRouter();
    expect(router.order({ region: 'ap-south', location: { lat: 40.7, lon: -74 } })[0]).toBe('ap-south');
    expect(router.order({})[0]).toBe('eu-west');
  });
  it('opens a failing region, probes it once after the open period, closes it on success', () => {
    const { router, tick } = clockRouter();
    const nyc = { location: { lat: 40.7, lon: -74 } };
    router.report('us-east', { ok: false, latencyMs: 1, recoverable: true });
    expect(router.order(nyc)).toEqual(['eu-west', 'ap-south', 'us-east']);
    tick(1001);
    expect(router.order(nyc)[0]).toBe('us-east'); // the probe
    expect(router.order(nyc)[0]).toBe('eu-west'); // one probe at a time
    router.report('us-east', { ok: true, latencyMs: 2 });
    expect(router.order(nyc)[0]).toBe('us-east');
  });
  it('claims the half-open probe only for a caller that will try that region first', () => {
    const { router, tick } = clockRouter();
    const nyc = { location: { lat: 40.7, lon: -74 } };
    const delhi = { location: { lat: 28.6, lon: 77.2 } };
    router.report('us-east', { ok: false, latencyMs: 1, recoverable: true });
    tick(1001);
    // us-east is last for a caller in Delhi: no probe is claimed, so the next NYC caller probes.
    expect(router.order(delhi)).toEqual(['ap-south', 'eu-west', 'us-east']);
    expect(router.status().find((s) => s.id === 'us-east')?.state).toBe('half-open');
    expect(router.order(nyc)[0]).toBe('us-east');
  });
  it('doubles the open period when the probe fails', () => {
    const { router, tick } = clockRouter();
    const nyc = { location: { lat: 40.7, lon: -74 } };
    router.report('us-east', { ok: false, latencyMs: 1, recoverable: true });
    tick(1001);
    router.order(nyc);
    router.report('us-east', { ok: false, latencyMs: 1, recoverable: true });
    tick(1500);
    expect(router.order(nyc)[0]).toBe('eu-west');
    tick(600);
    expect(router.order(nyc)[0]).toBe('us-east');
  });
  it('ignores non-recoverable failures (a full queue is not an outage)', () => {
    const { router } = clockRouter();
    router.report('eu-west', { ok: false, latencyMs: 1, recoverable: false });
    expect(router.order({})[0]).toBe('eu-west');
  });
  it('demotes a slow region behind a farther fast one and re-measures it now and then', () => {
    const { router, tick } = clockRouter({ reprobeMs: 5000 });
    for (let i = 0; i < 5; i++) {
      router.report('us-east', { ok: true, latencyMs: 210 });
      router.report('eu-west', { ok: true, latencyMs: 3 });
    }
    const nyc = { location: { lat: 40.7, lon: -74 } };
    expect(router.order(nyc)[0]).toBe('us-east'); // the first re-measure
    expect(router.order(nyc)).toEqual(['eu-west', 'ap-south', 'us-east']);
    tick(5001);
    expect(router.order(nyc)[0]).toBe('us-east');
    for (let i = 0; i < 20; i++) router.report('us-east', { ok: true, latencyMs: 3 });
    expect(router.order(nyc)[0]).toBe('us-east');
    expect(router.status().find((s) => s.id === 'us-east')).toMatchObject({ state: 'closed', slow: false });
  });
  it('gives a slow region its re-measure only where it is tried first', () => {
    const { router, tick } = clockRouter({ reprobeMs: 5000 });
    for (let i = 0; i < 5; i++) {
      router.report('us-east', { ok: true, latencyMs: 210 });
      router.report('eu-west', { ok: true, latencyMs: 3 });
    }
    const nyc = { location: { lat: 40.7, lon: -74 } };
    const delhi = { location: { lat: 28.6, lon: 77.2 } };
    router.order(nyc); // the first re-measure
    tick(5001);
    // A caller in Delhi has two regions before us-east: its order must not use up the re-measure
    // (us-east would be "probed" without a publish, and stay demoted for NYC for another 5 s).
    expect(router.order(delhi)).toEqual(['ap-south', 'eu-west', 'us-east']);
    expect(router.order(nyc)[0]).toBe('us-east');
  });
  it('tries a hinted region first though it is slow (only one that is down is passed over)', () => {
    const { router } = clockRouter({ reprobeMs: 5000 });
    for (let i = 0; i < 5; i++) {
      router.report('us-east', { ok: true, latencyMs: 210 });
      router.report('eu-west', { ok: true, latencyMs: 3 });
    }
    router.order({ region: 'eu-west' });
    expect(router.status().find((s) => s.id === 'us-east')?.slow).toBe(true);
    for (let i = 0; i < 3; i++) expect(router.order({ region: 'us-east' })[0]).toBe('us-east');
  });
  it('puts the heavier of two equally far regions first, every time (weight breaks ties, it does not split)', () => {
    const twins = [
      { id: 'dub-a', location: { lat: 53.3, lon: -6.3 }, weight: 1 },
      { id: 'dub-b', location: { lat: 53.3, lon: -6.3 }, weight: 3 },
      { id: 'us-east', location: { lat: 38.9, lon: -77.0 }, weight: 10 },
    ];
    const router = createGeoRouter({ regions: twins, home: 'dub-a' });
    for (let i = 0; i < 4; i++) expect(router.order({})).toEqual(['dub-b', 'dub-a', 'us-east']);
  });
  it('passes over a region whose publishes have waited past silentMs with none settling, until they settle', () => {
    const { router, tick } = clockRouter();
    const nyc = { location: { lat: 40.7, lon: -74 } };
    router.report('us-east', { ok: true, latencyMs: 5 });
    const settle = router.begin('us-east');
    tick(900);
    expect(router.order(nyc)[0]).toBe('us-east'); // waiting, not yet silent
    const second = router.begin('us-east');
    tick(200);
    expect(router.order(nyc)).toEqual(['eu-west', 'ap-south', 'us-east']);
    settle(); // one settled (its confirm came): the region answers again
    expect(router.order(nyc)[0]).toBe('us-east');
    tick(1100);
    expect(router.order(nyc)[0]).toBe('eu-west'); // the other still waits, and nothing settled since
    tick(5000);
    expect(router.order(nyc)[0]).toBe('us-east'); // past the probe timeout: a leak, not a silence
    second();
    second(); // settling twice counts once
    expect(router.status().find((s) => s.id === 'us-east')).toMatchObject({ state: 'closed' });
  });
  it('keeps every region in the order, open ones last', () => {
    const { router } = clockRouter();
    for (const r of regions) router.report(r.id, { ok: false, latencyMs: 1, recoverable: true });
    expect(router.order({}).sort()).toEqual(regions.map((r) => r.id).sort());
  });
});

describe('static router', () => {
  it('puts the hinted region, then home, then the rest', () => {
    expect(staticRouter(['a', 'b', 'c'], 'b').order({ region: 'c' })).toEqual(['c', 'b', 'a']);
    expect(staticRouter(['a', 'b'], 'b').order({ region: 'zzz' })).toEqual(['b', 'a']);
  });
});
