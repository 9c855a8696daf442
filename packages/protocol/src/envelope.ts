import * as z from 'zod';
import { fastEnvelope } from './envelope-fast-path';
import { jsonDepthExceeds, MAX_MESSAGE_DEPTH } from './json-depth';
import { isoDateSchema, jobIdSchema, nameSchema } from './names';
import { normalizeTraceparent, normalizeTracestate } from './trace-parent';

export const backoffSchema = z.object({
  /** `exponential`: base·2^(attempt-1) capped at max, with full jitter. `fixed`: always base. */
  kind: z.enum(['exponential', 'fixed']).default('exponential'),
  baseMs: z.number().int().min(0).max(86_400_000).default(1000),
  maxMs: z.number().int().min(0).max(86_400_000).default(300_000),
  jitter: z.boolean().default(true),
});
export type Backoff = z.infer<typeof backoffSchema>;

/** The most attempts a job may have (envelope, enqueue request and task definitions alike). */
export const MAX_ATTEMPTS = 1000;

/** The job envelope v1: the one body shape on AMQP, SQS and in Lambda events. */
export const jobEnvelopeSchema = z.object({
  v: z.literal(1),
  id: jobIdSchema,
  task: nameSchema,
  queue: nameSchema,
  input: z.unknown(),
  /** 1-based number of the attempt this delivery is. */
  attempt: z.number().int().min(1),
  maxAttempts: z.number().int().min(1).max(MAX_ATTEMPTS),
  backoff: backoffSchema,
  enqueuedAt: isoDateSchema,
  notBefore: isoDateSchema.optional(),
  expiresAt: isoDateSchema.optional(),
  priority: z.number().int().min(0).max(255).optional(),
  /** A shorter run time than the task's timeout, for this job only (Celery's per-call time_limit). */
  timeoutMs: z.number().int().min(1).max(2_147_483_647).optional(),
  /** A client's key (at most 256) after the ingest's scope (`ak_<16>:`, 20: core's idempotency-scope.ts). */
  idempotencyKey: z
    .string()
    .min(1)
    .max(256 + 20)
    .optional(),
  /** Region where the job was accepted. */
  origin: nameSchema,
  /** Regions (or links) already crossed, for loop prevention in the forwarder. */
  hops: z.array(nameSchema).max(32).default([]),
  /**
   * Read as the ingest reads it (normalizeTraceparent); one that is not a traceparent is dropped:
   * a bad tracing header from a foreign producer must not make the job poison (dead-lettered).
   */
  traceparent: z.string().transform(normalizeTraceparent).optional().catch(undefined),
  /** W3C `tracestate` that came with the traceparent (vendors' sampling and routing data), read as normalizeTracestate reads it. */
  tracestate: z.string().transform(normalizeTracestate).optional().catch(undefined),
});
export type JobEnvelope = z.infer<typeof jobEnvelopeSchema>;
export type JobEnvelopeInput = z.input<typeof jobEnvelopeSchema>;

/** The dead-letter reason of a message nested deeper than MAX_MESSAGE_DEPTH. */
export const NESTED_TOO_DEEPLY = `arrays and objects nest deeper than ${MAX_MESSAGE_DEPTH} levels: the job cannot be recorded`;

export type EnvelopeParse = { ok: true; job: JobEnvelope } | { ok: false; reason: string };

const utf8 = new TextDecoder();

/** Parses raw bytes or text from a broker; never throws, so poison messages can be dead-lettered with a reason. */
export function parseEnvelope(raw: string | Uint8Array): EnvelopeParse {
  let data: unknown;
  const text = typeof raw === 'string' ? raw : utf8.decode(raw);
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `body is not JSON: ${(err as Error).message}` };
  }
  if (jsonDepthExceeds(text, MAX_MESSAGE_DEPTH)) return { ok: false, reason: NESTED_TOO_DEEPLY };
  const fast = fastEnvelope(data);
  if (fast) return { ok: true, job: fast };
  const parsed = jobEnvelopeSchema.safeParse(data);
  if (parsed.success) return { ok: true, job: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, reason: `invalid envelope: ${issues}` };
}
