/**
 * JSON text with every object's keys sorted, so two values that serialise to the same JSON apart
 * from key order (a client may reorder) give the same string. JSON semantics throughout: `toJSON`
 * applies (a Date becomes its ISO string) and undefined members are dropped, as they are when the
 * job record stores the input, so a direct caller's input compares equal to its stored copy.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortKeys) ?? 'undefined';
}

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const src = value as Record<string, unknown>;
  // No prototype: a "__proto__" member (JSON.parse makes it an own one) stays a member when copied.
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(src).sort()) out[k] = src[k];
  return out;
}
