/**
 * The path of the first member named `__proto__` in a job's input, or undefined. JSON allows one
 * and JSON.parse makes it an own member, but a task's schema cannot hand it on: zod's record,
 * looseObject and catchall leave it out of their output (writing it would set the output's
 * prototype), so the handler silently ran without a field the caller sent and the record kept.
 * Refused at enqueue instead, naming the field (see build-envelope.ts).
 */
export function protoMemberPath(input: unknown): string[] | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const path: string[] = [];
  return find(input, path, new Set()) ? path.reverse() : undefined;
}

/**
 * Depth-first; the path is built only on a hit, on the way back up (no array per object). Each
 * object once: a direct caller's input may be cyclic or share objects (JSON refuses the first
 * later; walked per reference, either made the walk endless). Deeper than the stack allows is a
 * body the ingest refuses (MAX_JSON_DEPTH) and a direct caller's JSON.stringify would too.
 */
function find(value: unknown, path: string[], seen: Set<object>): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (find(value[i], path, seen)) {
        path.push(String(i));
        return true;
      }
    }
    return false;
  }
  for (const k of Object.keys(value)) {
    if (k === '__proto__') {
      path.push(k);
      return true;
    }
    if (find((value as Record<string, unknown>)[k], path, seen)) {
      path.push(k);
      return true;
    }
  }
  return false;
}
