import * as z from 'zod';
import { isoDateSchema, jobIdSchema, nameSchema } from './names';
import { jobStateSchema } from './states';

export const jobErrorSchema = z.object({
  type: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  /** Stack or traceback, trimmed; never shown to HTTP callers unless they own the job. */
  stack: z.string().optional(),
});
export type JobError = z.infer<typeof jobErrorSchema>;

/** What the result store keeps per job and what `GET /v1/jobs/:id` answers. */
export const jobRecordSchema = z.object({
  id: jobIdSchema,
  task: nameSchema,
  queue: nameSchema,
  state: jobStateSchema,
  attempts: z.number().int().min(0),
  maxAttempts: z.number().int().min(1).optional(),
  input: z.unknown().optional(),
  result: z.unknown().optional(),
  error: jobErrorSchema.optional(),
  progress: z.unknown().optional(),
  enqueuedAt: isoDateSchema,
  startedAt: isoDateSchema.optional(),
  finishedAt: isoDateSchema.optional(),
  notBefore: isoDateSchema.optional(),
  expiresAt: isoDateSchema.optional(),
  region: nameSchema.optional(),
  idempotencyKey: z.string().optional(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;
