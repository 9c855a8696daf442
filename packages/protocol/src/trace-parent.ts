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
