import {
  capFieldErrors,
  type EnqueueRequest,
  type JobEnvelope,
  shortMessage,
  UnprocessableError,
} from '@warren/protocol';
import type { WarrenConfig } from '../config/define-config';
import { uuidv7 } from '../ids';
import type { AnyTask } from '../task/define-task';
import { parseSchema, type SchemaParse } from '../task/parse-schema';
import { protoMemberPath } from '../task/proto-member';
import { scopedIdempotencyKey } from './idempotency-scope';
import { assertFitsSqs } from './sqs-job-size';

export interface BuiltJob {
  task: AnyTask;
  envelope: JobEnvelope;
  delayMs: number;
}

/**
 * Validates a request against the task registry and the task's input schema (422 naming the
 * field), and builds the v1 envelope. The input travels as sent; the worker validates it again.
 */
export function buildEnvelope(
  config: WarrenConfig,
  req: EnqueueRequest,
  opts: BuildOptions = { origin: 'local' },
): BuiltJob | Promise<BuiltJob> {
  const task = config.tasks.get(req.task);
  if (!task)
    throw new UnprocessableError(`unknown task "${req.task}"`, [{ path: 'task', message: 'unknown task' }]);
  // A `__proto__` member would be published and stored, but the schema drops it before the
  // handler (see proto-member.ts): refused here, for the ingest and a direct client alike.
  const proto = protoMemberPath(req.input);
  if (proto)
    throw new UnprocessableError(
      `input has a member named "__proto__", which task ${task.name} would not see`,
      [
        {
          path: ['input', ...proto].join('.'),
          message: 'a member named "__proto__" cannot reach a task (its schema leaves it out): rename it',
        },
      ],
    );
  // Synchronous unless the task's schema is async (zod needs parseAsync for it).
  const parsed = parseSchema(task.input, req.input);
  return parsed instanceof Promise
    ? parsed.then((p) => build(config, req, opts, task, p))
    : build(config, req, opts, task, parsed);
}

interface BuildOptions {
  nowMs?: number;
  traceparent?: string;
  /** Kept only with a traceparent (W3C: a tracestate without its traceparent means nothing). */
  tracestate?: string;
  origin: string;
  id?: string;
  /** The caller's idempotency scope (see idempotency-scope.ts): the envelope carries the scoped key. */
  idempotencyScope?: string;
}

function build(
  config: WarrenConfig,
  req: EnqueueRequest,
  opts: BuildOptions,
  task: AnyTask,
  parsed: SchemaParse,
): BuiltJob {
  if (!parsed.success) {
    // One issue per bad element: 30,000 of them (a 170 KB body) made a 2.5 MB problem. Named up
    // to MAX_FIELD_ERRORS, the rest counted (zod's own messages kept: an unknown-keys issue is one).
    const errors = capFieldErrors(
      parsed.issues.map((i) => ({
        path: ['input', ...i.path.map(String)].join('.'),
        message: shortMessage(i.message),
      })),
      'input',
    );
    throw new UnprocessableError(`input does not match the schema of task ${task.name}`, errors);
  }
  const queue = req.queue ?? task.queue;
  if (!config.queues[queue]) {
    throw new UnprocessableError(`unknown queue "${queue}"`, [
      { path: 'queue', message: 'not a configured queue' },
    ]);
  }
  const priority = req.priority;
  const maxPriority = config.queues[queue]!.maxPriority;
  if (priority !== undefined && (maxPriority === undefined || priority > maxPriority)) {
    throw new UnprocessableError(`queue ${queue} does not support priority ${priority}`, [
      { path: 'priority', message: maxPriority ? `must be ≤ ${maxPriority}` : 'queue has no priorities' },
    ]);
  }
  const nowMs = opts.nowMs ?? Date.now();
  const runAtMs = req.runAt ? Date.parse(req.runAt) : undefined;
  const delayMs = Math.max(0, req.delayMs ?? (runAtMs !== undefined ? runAtMs - nowMs : 0));
  const envelope: JobEnvelope = {
    v: 1,
    id: opts.id ?? uuidv7(nowMs),
    task: task.name,
    queue,
    input: req.input ?? null,
    attempt: 1,
    maxAttempts: req.maxAttempts ?? task.retry.maxAttempts,
    backoff: task.retry.backoff,
    enqueuedAt: new Date(nowMs).toISOString(),
    origin: opts.origin,
    hops: [],
  };
  if (delayMs > 0) envelope.notBefore = new Date(nowMs + delayMs).toISOString();
  // A queue's messageTtlMs is the job's deadline too: RabbitMQ dead-letters a job that waits
  // longer without telling anyone, and its record stayed `queued` for good. With expiresAt the
  // worker, the record's readers and the in-memory broker agree that it expired (the sooner wins).
  const expiresInMs = minDefined(req.expiresInMs, config.queues[queue]!.messageTtlMs);
  if (expiresInMs) envelope.expiresAt = new Date(nowMs + delayMs + expiresInMs).toISOString();
  if (priority !== undefined) envelope.priority = priority;
  if (req.idempotencyKey)
    envelope.idempotencyKey = opts.idempotencyScope
      ? scopedIdempotencyKey(opts.idempotencyScope, req.idempotencyKey)
      : req.idempotencyKey;
  if (opts.traceparent) {
    envelope.traceparent = opts.traceparent;
    if (opts.tracestate) envelope.tracestate = opts.tracestate;
  }
  if (config.queues[queue]!.sqs) assertFitsSqs(envelope);
  return { task, envelope, delayMs };
}

const minDefined = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);
