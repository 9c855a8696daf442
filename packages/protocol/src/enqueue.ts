import * as z from 'zod';
import { MAX_ATTEMPTS } from './envelope';
import { ValidationError } from './errors';
import { isoDateSchema, jobIdSchema, nameSchema } from './names';
import { fieldErrors, problemSchema } from './problem';
import { jobStateSchema } from './states';

/** The longest delay, and the longest lifetime, a job may ask for: past it, dates stop being plain numbers. */
export const MAX_DELAY_MS = 365 * 86_400_000;

const LONE_SURROGATE = /\p{Cs}/u;

/** `POST /v1/jobs` body's fields (see enqueueRequestSchema). */
const enqueueRequestFields = z.strictObject({
  task: nameSchema,
  input: z.unknown().optional(),
  queue: nameSchema.optional(),
  delayMs: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
  // Judged when parsed: a run date further ahead than a delay may be would sit in the delay tiers for years.
  runAt: isoDateSchema
    .refine((v) => Date.parse(v) - Date.now() <= MAX_DELAY_MS, 'must be at most 365 days ahead')
    .optional(),
  // Bounded so enqueue time + delay + this stays a valid date (9e15 made toISOString throw: a 500).
  expiresInMs: z.number().int().min(1).max(MAX_DELAY_MS).optional(),
  priority: z.number().int().min(0).max(255).optional(),
  maxAttempts: z.number().int().min(1).max(MAX_ATTEMPTS).optional(),
  // A lone surrogate has no UTF-8 form: stored, it becomes U+FFFD, so two different keys
  // ("k\ud800", "k\udc00") would name one Redis key and replay each other's job.
  idempotencyKey: z
    .string()
    .min(1)
    .max(256)
    .refine((k) => !LONE_SURROGATE.test(k), 'must be well-formed Unicode (no lone surrogates)')
    .optional(),
  region: nameSchema.optional(),
});

/** `POST /v1/jobs` body. Strict: a misspelt field is a 400 naming it, not silently ignored. */
export const enqueueRequestSchema = enqueueRequestFields.superRefine((req, ctx) => {
  // Two ways of saying when: honouring one would silently drop the other.
  if (req.delayMs === undefined || req.runAt === undefined) return;
  for (const field of ['delayMs', 'runAt'])
    ctx.addIssue({ code: 'custom', path: [field], message: 'give delayMs or runAt, not both' });
});
export type EnqueueRequest = z.infer<typeof enqueueRequestSchema>;

/** A request as `enqueueRequestSchema` reads it, or a ValidationError (400) naming each field under `prefix`. */
export function parseEnqueueRequest(body: unknown, prefix?: string): EnqueueRequest {
  const parsed = enqueueRequestSchema.safeParse(body);
  if (!parsed.success)
    throw new ValidationError('invalid enqueue request', fieldErrors(parsed.error.issues, prefix));
  return parsed.data;
}

export const enqueueResponseSchema = z.object({
  id: jobIdSchema,
  task: nameSchema,
  queue: nameSchema,
  state: jobStateSchema,
  region: nameSchema,
  enqueuedAt: isoDateSchema,
  notBefore: isoDateSchema.optional(),
  links: z.object({ self: z.string() }),
});
export type EnqueueResponse = z.infer<typeof enqueueResponseSchema>;

export const MAX_BATCH = 1000;
export const enqueueBatchRequestSchema = z.strictObject({
  jobs: z.array(z.unknown()).min(1).max(MAX_BATCH),
});

/** One item's outcome in a batch: 202 (or 200 replayed) with the job, or a problem with its status. */
export const batchItemResultSchema = z.object({
  status: z.number().int(),
  job: enqueueResponseSchema.optional(),
  problem: problemSchema.optional(),
});
export type BatchItemResult = z.infer<typeof batchItemResultSchema>;

/** `POST /v1/jobs/batch` answer (202 when every item was accepted, else 207), in request order. */
export const enqueueBatchResponseSchema = z.object({ results: z.array(batchItemResultSchema) });
export type EnqueueBatchResponse = z.infer<typeof enqueueBatchResponseSchema>;
