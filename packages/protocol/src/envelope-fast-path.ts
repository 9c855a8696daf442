import type { JobEnvelope } from './envelope';
import { isoDateSchema, JOB_ID_PATTERN, NAME_PATTERN } from './names';
import { normalizeTraceparent, normalizeTracestate } from './trace-parent';

/**
 * The envelope's fields in the schema's order: envelope-fast-path.test.ts holds this equal to
 * `jobEnvelopeSchema.shape`, so a field added there fails the test until it is read here too.
 */
export const FAST_PATH_FIELDS = [
  'v',
  'id',
  'task',
  'queue',
  'input',
  'attempt',
  'maxAttempts',
  'backoff',
  'enqueuedAt',
  'notBefore',
  'expiresAt',
  'priority',
  'timeoutMs',
  'idempotencyKey',
  'origin',
  'hops',
  'traceparent',
  'tracestate',
] as const;

/** zod's own ISO datetime pattern (the one `isoDateSchema` checks with), not a copy of it. */
const ISO_DATE: RegExp = isoDateSchema._zod.pattern ?? /(?!)/;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const name = (v: unknown): v is string => typeof v === 'string' && NAME_PATTERN.test(v);
const int = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const date = (v: unknown): v is string => typeof v === 'string' && ISO_DATE.test(v);

function backoff(b: unknown): JobEnvelope['backoff'] | undefined {
  if (!isObj(b)) return undefined;
  const { kind, baseMs, maxMs, jitter } = b;
  if (kind !== 'exponential' && kind !== 'fixed') return undefined;
  if (!int(baseMs, 0, 86_400_000) || !int(maxMs, 0, 86_400_000) || typeof jitter !== 'boolean')
    return undefined;
  return { kind, baseMs, maxMs, jitter };
}

function hops(h: unknown): string[] | undefined {
  if (h === undefined) return [];
  if (!Array.isArray(h) || h.length > 32) return undefined;
  for (const x of h) if (!name(x)) return undefined;
  return h.slice();
}

/**
 * The worker's common case without zod: an envelope whose every field is plainly valid (as
 * warren's producers and the forwarder write them) read in one pass, to exactly what
 * `jobEnvelopeSchema` would return for it. Anything else (a missing default, an invalid or unusual
 * value) is undefined, and the caller parses with zod, which also names the problems: this path
 * may only be stricter than the schema, never looser (a property test checks both ways agree).
 * Why: zod's parse of this one object was ~16 % of a worker's CPU per job (bench --profile).
 */
export function fastEnvelope(d: unknown): JobEnvelope | undefined {
  if (!isObj(d)) return undefined;
  const { id, task, queue, attempt, maxAttempts, enqueuedAt, origin } = d;
  if (d.v !== 1 || d.input === undefined) return undefined;
  if (typeof id !== 'string' || !JOB_ID_PATTERN.test(id) || !name(task) || !name(queue)) return undefined;
  if (!int(attempt, 1, Number.MAX_SAFE_INTEGER) || !int(maxAttempts, 1, 1000)) return undefined;
  if (!date(enqueuedAt) || !name(origin)) return undefined;
  const b = backoff(d.backoff);
  const h = hops(d.hops);
  if (!b || !h) return undefined;
  const out: Obj = { v: 1, id, task, queue, input: d.input, attempt, maxAttempts, backoff: b, enqueuedAt };
  if (!optional(d, out)) return undefined;
  out.origin = origin;
  out.hops = h;
  // The schema reads these with .catch(undefined): a present string is kept normalised or as undefined.
  if ('traceparent' in d) {
    if (typeof d.traceparent !== 'string') return undefined;
    out.traceparent = normalizeTraceparent(d.traceparent);
  }
  if ('tracestate' in d) {
    if (typeof d.tracestate !== 'string') return undefined;
    out.tracestate = normalizeTracestate(d.tracestate);
  }
  return out as JobEnvelope;
}

/** The optional fields between enqueuedAt and origin, copied in the schema's order; false when one is not plainly valid. */
function optional(d: Obj, out: Obj): boolean {
  // `in`, not `!== undefined`: the schema keeps a present key even when its value is undefined.
  if ('notBefore' in d) {
    if (!date(d.notBefore)) return false;
    out.notBefore = d.notBefore;
  }
  if ('expiresAt' in d) {
    if (!date(d.expiresAt)) return false;
    out.expiresAt = d.expiresAt;
  }
  if ('priority' in d) {
    if (!int(d.priority, 0, 255)) return false;
    out.priority = d.priority;
  }
  if ('timeoutMs' in d) {
    if (!int(d.timeoutMs, 1, 2_147_483_647)) return false;
    out.timeoutMs = d.timeoutMs;
  }
  if ('idempotencyKey' in d) {
    const k = d.idempotencyKey;
    if (typeof k !== 'string' || k.length < 1 || k.length > 276) return false;
    out.idempotencyKey = k;
  }
  return true;
}
