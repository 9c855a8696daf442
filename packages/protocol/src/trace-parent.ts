const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const HEX2 = /^[0-9a-f]{2}$/;

/**
 * A received W3C `traceparent` as the version-00 value to store and send on, or undefined when
 * it is not one (trace-context §3.2 and §4.3: version `ff`, all-zero ids and upper-case hex are
 * invalid; a version above 00 may carry more fields after the four known ones, and is read by
 * those four, so a newer caller's trace is continued rather than dropped).
 */
export function normalizeTraceparent(value: string | undefined): string | undefined {
  if (!value || value.length < 55) return undefined;
  const version = value.slice(0, 2);
  if (!HEX2.test(version) || version === 'ff') return undefined;
  if (version === '00' ? value.length !== 55 : value.length > 55 && value[55] !== '-') return undefined;
  if (value[2] !== '-' || value[35] !== '-' || value[52] !== '-') return undefined;
  const traceId = value.slice(3, 35);
  const parentId = value.slice(36, 52);
  const flags = value.slice(53, 55);
  if (!HEX32.test(traceId) || !HEX16.test(parentId) || !HEX2.test(flags)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return `00-${traceId}-${parentId}-${flags}`;
}

/** A tracestate list-member (W3C trace-context §3.3.1): a simple or multi-tenant key, then its value. */
const MEMBER =
  /^(?:[a-z][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** What a hop must pass on at least (§3.3.1.5); longer lists lose members from the end. */
const TRACESTATE_MAX = 512;

/**
 * A received W3C `tracestate` as the value to store and send on, or undefined when there is none
 * or it is not one: a member that does not parse, a repeated key or more than 32 members discards
 * the whole header (§3.3.1.5, §3.5); empty members and spaces around commas go; over 512
 * characters, members are dropped from the end. Only kept next to a valid traceparent (§3.3).
 */
export function normalizeTracestate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const members = value
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (members.length === 0 || members.length > 32) return undefined;
  const keys = new Set<string>();
  for (const m of members) {
    if (!MEMBER.test(m)) return undefined;
    const key = m.slice(0, m.indexOf('='));
    if (keys.has(key)) return undefined;
    keys.add(key);
  }
  let out = members.join(',');
  while (out.length > TRACESTATE_MAX) {
    const cut = out.lastIndexOf(',');
    if (cut < 0) return undefined;
    out = out.slice(0, cut);
  }
  return out;
}
