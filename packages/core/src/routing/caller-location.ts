import { countryCentroid } from './country-centroids';
import type { LatLon } from './geo';

type HeaderGetter = (name: string) => string | null | undefined;

/** Edge providers' geo headers, in the order DESIGN.md gives. */
const COORD_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['cloudfront-viewer-latitude', 'cloudfront-viewer-longitude'],
  ['cf-iplatitude', 'cf-iplongitude'],
  ['x-vercel-ip-latitude', 'x-vercel-ip-longitude'],
];
const COUNTRY_HEADERS = ['cloudfront-viewer-country', 'cf-ipcountry', 'x-vercel-ip-country'];

/** The caller's location from edge geo headers; a country header alone maps to its centroid. */
export function callerLocation(header: HeaderGetter): LatLon | undefined {
  for (const [latH, lonH] of COORD_HEADERS) {
    const lat = parseCoord(header(latH), 90);
    const lon = parseCoord(header(lonH), 180);
    if (lat !== undefined && lon !== undefined) return { lat, lon };
  }
  for (const h of COUNTRY_HEADERS) {
    const cc = header(h);
    // Cloudflare sends XX (unknown) and T1 (Tor): no location.
    if (cc && /^[A-Za-z]{2}$/.test(cc.trim())) {
      const c = countryCentroid(cc);
      if (c) return c;
    }
  }
  return undefined;
}

/** Plain decimal degrees, as the edges send them ("47.60620", "-122.3"). */
const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

function parseCoord(v: string | null | undefined, limit: number): number | undefined {
  // Number() also reads hex, binary and octal ("0x10" is 16): a junk or forged header would steer
  // the request by a number no edge sent, not fall back as other junk does.
  if (v == null || v.length > 32 || !DECIMAL.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}
