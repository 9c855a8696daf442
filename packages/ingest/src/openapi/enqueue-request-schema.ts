import { enqueueRequestSchema } from '@warren/core';
import { schema } from './json-schema';

/** The enqueue body from its zod schema, plus what its refinement checks (no JSON Schema form). */
export function enqueueRequestJsonSchema() {
  const s = schema(enqueueRequestSchema, 'input') as {
    not?: unknown;
    properties: Record<string, { description?: string }>;
  };
  // Two ways of saying when: one or the other (400 naming both).
  s.not = { required: ['delayMs', 'runAt'] };
  for (const [field, description] of Object.entries(FIELD_DOCS))
    s.properties[field]!.description = description;
  return s;
}

/** What each enqueue field does, where the schema alone cannot say it (the choices a caller meets). */
const FIELD_DOCS: Record<string, string> = {
  task: 'A configured task name (422 naming task when unknown).',
  input: "The task's input, checked against its schema before the publish (422 naming input.<field>).",
  queue: "The queue to publish to; the task's own queue when absent (422 when not configured).",
  delayMs: 'Run no earlier than this many ms from now (at most 365 days). Not together with runAt (400).',
  runAt:
    'Run no earlier than this date-time (with a UTC offset; at most 365 days ahead; a past one runs now). ' +
    'Not together with delayMs (400).',
  expiresInMs:
    'Counted from when the job may first run (after delayMs or runAt): a delivery after that, the first ' +
    'or a retry, is recorded expired and not run (a failed attempt whose retry would come after it expires ' +
    "the job at once; so is a job still waiting when it is read after it). The queue's messageTtlMs sets " +
    'one too; the sooner applies.',
  priority:
    "0 to the queue's maxPriority, higher first (422 on a queue without priorities). On a queue bridged " +
    'into SQS (sqs) it orders only the jobs waiting on RabbitMQ: SQS has no priorities.',
  maxAttempts:
    "Tries in all, the first included; the task's retry policy when absent. On a queue bridged into SQS " +
    "at most its redrive maxReceiveCount (the deploy's: the largest of the queue's tasks' maxAttempts + 1, " +
    'at least 5): the attempt on that receive is the last.',
  idempotencyKey:
    'The same key with the same task, queue and input answers 200 with the first job (Idempotent-Replayed), ' +
    "without publishing again; with another request it is a 422. Keys are per API key: another key's " +
    'use of the same key is another job. The Idempotency-Key header works too.',
  // A soft hint by design (DESIGN.md "Regions"), so one client runs against any region list.
  region:
    'Routing hint: the id of the region to try first (before the edge geo headers). A region that is ' +
    'down is passed over, and an id that is not configured on this ingest is ignored (the job goes by ' +
    "the caller's location); the answer's region names where the job was accepted.",
};
