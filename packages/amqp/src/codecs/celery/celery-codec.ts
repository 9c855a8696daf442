import {
  type AnyTask,
  type Backoff,
  backoffSchema,
  DEFAULT_MAX_ATTEMPTS,
  firstUnsafeInteger,
  type JobEnvelope,
  jobEnvelopeSchema,
  jsonDepthExceeds,
  MAX_MESSAGE_DEPTH,
  NESTED_TOO_DEEPLY,
  shownNumber,
} from '@warren/core';
import type { DecodeResult, EncodedMessage, IncomingMessage, MessageCodec } from '../../codec';
import { canvasRefusal } from './celery-canvas';
import { celeryDate, limitS, pyIsoformat, shorterLimit, timeLimitMs } from './celery-header-values';
import { celeryTaskIdOf, jobIdForCeleryTaskId, MAX_CELERY_TASK_ID } from './celery-task-id';
import {
  argsToInput,
  type InputForm,
  inputToArgs,
  isPlainObject,
  objectSchemaKeys,
  positionalInput,
  positionalMismatch,
  unexpectedKeyword,
} from './input-mapping';
import { pyRepr, pyTupleRepr, truncateRepr } from './py-repr';

/**
 * Celery message protocol v2 (Celery ≥ 4; checked against 5.2.6's `AMQP.as_task_v2` and real
 * messages captured from it, see fixtures/). Headers carry the task metadata, the body is the
 * JSON triple `[args, kwargs, embed]`, serialized as kombu's `json` serializer does
 * (`application/json`, `utf-8`). Only JSON is spoken: pickle/yaml/msgpack messages are refused.
 */
export const CELERY_CONTENT_TYPE = 'application/json';
export const CELERY_CONTENT_ENCODING = 'utf-8';
/** Warren fields Celery has no header for; Celery keeps unknown headers and ignores them. */
export const WARREN_HEADER = 'x-warren';

export interface CeleryCodecOptions {
  /** Task registry: binds positional args to input keys on decode, sets retry policy and `timelimit`. */
  tasks?: ReadonlyMap<string, AnyTask>;
  /** `origin` (region) of jobs from Celery producers, which have no warren region. */
  region?: string;
  /**
   * Queue name put in decoded jobs when the message does not say (`IncomingMessage.queue`, if the
   * adapter passes it, wins; then this; then the task's queue; then `celery`).
   */
  queue?: string;
  /** Clock for `enqueuedAt` of Celery-produced jobs (Celery sends no publish time). */
  now?: () => Date;
  /**
   * A message with a Celery task id that is refused (it goes to `<queue>.dlq`): e.g. write the
   * FAILURE meta (`celeryRefusalSink`) so the client's `AsyncResult.get()` raises instead of
   * waiting for ever. Called without waiting; it reports its own failures.
   */
  onRefused?: (refusal: CeleryRefusal) => unknown;
}

/** A Celery message that will not run here, as `onRefused` hears of it. */
export interface CeleryRefusal {
  taskId: string;
  task?: string;
  /** The queue it was read from; its dead letter goes to `<queue>.dlq`. */
  queue?: string;
  reason: string;
  /** Other task ids the client may wait on, refused with this one (a chain's next steps). */
  alsoTaskIds?: string[];
}

type ReadResult = DecodeResult & { alsoTaskIds?: string[] };

interface WarrenExtras {
  maxAttempts?: number;
  /** Exact, where `timelimit` holds whole seconds. */
  timeoutMs?: number;
  backoff?: Backoff;
  enqueuedAt?: string;
  origin?: string;
  hops?: string[];
  idempotencyKey?: string;
  /** The input was an array or a value, not keywords (Python sees positional args either way). */
  input?: InputForm;
}

export function createCeleryCodec(opts: CeleryCodecOptions = {}): MessageCodec {
  const region = opts.region ?? 'celery';
  const now = opts.now ?? (() => new Date());

  function encode(job: JobEnvelope): EncodedMessage {
    const task = opts.tasks?.get(job.task);
    const { args, kwargs, form } = inputToArgs(job.input, objectSchemaKeys(task?.input));
    // A job run under a custom Celery id's UUIDv5 goes out under the custom id (a retry, a
    // deferral): Celery clients and workers know that one, and decode maps it back.
    const taskId = celeryTaskIdOf(job);
    const extras: WarrenExtras = {
      maxAttempts: job.maxAttempts,
      timeoutMs: job.timeoutMs,
      backoff: job.backoff,
      enqueuedAt: job.enqueuedAt,
      origin: job.origin,
      hops: job.hops,
      idempotencyKey: job.idempotencyKey,
      input: form,
    };
    const headers: Record<string, unknown> = {
      lang: 'py',
      task: job.task,
      id: taskId,
      shadow: null,
      eta: pyIsoformat(job.notBefore),
      expires: pyIsoformat(job.expiresAt),
      group: null,
      group_index: null,
      retries: job.attempt - 1,
      // [hard, soft] seconds — the order as_task_v2 writes [time_limit, soft_time_limit].
      // Only a limit the task or job set: warren's 60 s default, sent as time_limit, overrode a
      // Python task's own limit (longer or shorter) and capped tasks that had none.
      timelimit: [limitS(job.timeoutMs ?? (task?.timeoutDefaulted ? undefined : task?.timeoutMs)), null],
      root_id: taskId,
      parent_id: null,
      argsrepr: truncateRepr(pyTupleRepr(args)),
      kwargsrepr: truncateRepr(pyRepr(kwargs)),
      origin: `warren@${job.origin}`,
      ignore_result: false,
      [WARREN_HEADER]: JSON.stringify(extras),
    };
    if (job.traceparent) headers.traceparent = job.traceparent;
    if (job.tracestate) headers.tracestate = job.tracestate;
    const body = [args, kwargs, { callbacks: null, errbacks: null, chain: null, chord: null }];
    return {
      content: Buffer.from(JSON.stringify(body), 'utf8'),
      // No `expiration` property (Celery's send_task sets one from `expires`): a per-message TTL
      // would let a job escape warren's delay-tier queues early. Celery workers honour the
      // `expires` header itself (they revoke expired tasks).
      properties: {
        contentType: CELERY_CONTENT_TYPE,
        contentEncoding: CELERY_CONTENT_ENCODING,
        correlationId: taskId,
        messageId: job.id,
        deliveryMode: 2,
        priority: job.priority ?? 0,
        headers,
      },
    };
  }

  function decode(message: IncomingMessage): DecodeResult {
    const out = read(message);
    const h = message.properties.headers;
    const taskId = out.ok ? undefined : refusedTaskId(message);
    if (!out.ok && opts.onRefused && taskId) {
      const queue = (message as { queue?: string }).queue ?? opts.queue;
      const task = typeof h?.task === 'string' ? h.task : undefined;
      // Reports its own failures: neither a throw nor a rejection may change this message's fate.
      try {
        const also = 'alsoTaskIds' in out && out.alsoTaskIds?.length ? { alsoTaskIds: out.alsoTaskIds } : {};
        const p = opts.onRefused({ taskId, task, queue, reason: out.reason, ...also });
        if (p instanceof Promise) p.catch(() => {});
      } catch {}
    }
    return out.ok ? out : { ok: false, reason: out.reason };
  }

  function read(message: IncomingMessage): ReadResult {
    const p = message.properties;
    const h = (p.headers ?? {}) as Record<string, unknown>;
    if (p.contentType !== CELERY_CONTENT_TYPE) {
      return fail(
        `content type ${p.contentType ?? '(none)'} is not ${CELERY_CONTENT_TYPE} (set Celery task_serializer='json')`,
      );
    }
    if (p.contentEncoding && p.contentEncoding.toLowerCase() !== CELERY_CONTENT_ENCODING) {
      return fail(`content encoding ${p.contentEncoding} is not utf-8`);
    }
    if (h.compression) return fail(`compressed Celery messages (${String(h.compression)}) are not supported`);
    let body: unknown;
    const text = message.content.toString('utf8');
    try {
      body = JSON.parse(text);
    } catch (err) {
      return fail(`body is not JSON: ${(err as Error).message}`);
    }
    if (jsonDepthExceeds(text, MAX_MESSAGE_DEPTH)) return fail(NESTED_TOO_DEEPLY);
    const big = firstUnsafeInteger(text);
    if (big !== undefined) {
      return fail(
        `integer ${shownNumber(big)} is past what JavaScript holds exactly (±2^53 - 1) and would be read as ${shownNumber(String(Number(big)))}: send it as a string`,
      );
    }
    if (typeof h.task !== 'string' || typeof h.id !== 'string') {
      const v1 = isPlainObject(body) && 'task' in body;
      return fail(
        v1 ? 'Celery protocol v1 is not supported (use task_protocol 2)' : 'missing task/id headers',
      );
    }
    if (!Array.isArray(body) || body.length < 2 || !Array.isArray(body[0]) || !isPlainObject(body[1])) {
      return fail('body is not the protocol v2 triple [args, kwargs, embed]');
    }
    if (h.id === '') return fail('empty task id header');
    const canvas = canvasRefusal(body[2]);
    if (canvas) return { ok: false, reason: canvas.reason, alsoTaskIds: canvas.taskIds };
    if (h.id.length > MAX_CELERY_TASK_ID) return fail(`task id longer than ${MAX_CELERY_TASK_ID} characters`);
    const ids = jobIdForCeleryTaskId(h.id);
    const task = opts.tasks?.get(h.task);
    const extras = readExtras(h[WARREN_HEADER]);
    const retries = typeof h.retries === 'number' && h.retries >= 0 ? Math.floor(h.retries) : 0;
    const eta = celeryDate(h.eta, 'eta');
    const expires = celeryDate(h.expires, 'expires');
    if (typeof eta === 'object') return eta;
    if (typeof expires === 'object') return expires;
    const attempt = retries + 1;
    const input = readInput(body[0], body[1], task, extras.input, h[WARREN_HEADER] === undefined);
    if ('reason' in input) return fail(input.reason);
    const candidate = {
      v: 1,
      id: ids.id,
      task: h.task,
      queue: (message as { queue?: string }).queue ?? opts.queue ?? task?.queue ?? 'celery',
      input: input.input,
      attempt,
      maxAttempts: extras.maxAttempts ?? task?.retry.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      backoff: extras.backoff ?? task?.retry.backoff ?? backoffSchema.parse({}),
      enqueuedAt: extras.enqueuedAt ?? now().toISOString(),
      notBefore: eta,
      expiresAt: expires,
      priority: typeof p.priority === 'number' && p.priority > 0 ? p.priority : undefined,
      timeoutMs: extras.timeoutMs ?? shorterLimit(timeLimitMs(h.timelimit), task?.timeoutMs),
      idempotencyKey: ids.idempotencyKey ?? extras.idempotencyKey,
      origin: extras.origin ?? region,
      hops: extras.hops ?? [],
      traceparent: typeof h.traceparent === 'string' ? h.traceparent : undefined,
      // Only with its traceparent (W3C); an invalid one is dropped by the schema, never the task.
      tracestate:
        typeof h.traceparent === 'string' && typeof h.tracestate === 'string' ? h.tracestate : undefined,
    };
    const parsed = jobEnvelopeSchema.safeParse(candidate);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return fail(`Celery message does not make a valid job: ${issues}`);
    }
    return { ok: true, job: parsed.data, attempt };
  }

  return { name: 'celery', encode, decode };
}

/** The codec with no task registry: positional args arrive as `{args, kwargs}`. */
export const celeryCodec: MessageCodec = createCeleryCodec();

const fail = (reason: string): DecodeResult => ({ ok: false, reason });

/** A message's args and kwargs as its task's input (input-mapping.ts says how), or why not. */
function readInput(
  args: unknown[],
  kwargs: Record<string, unknown>,
  task: AnyTask | undefined,
  form: unknown,
  /** Sent by a Celery client, not re-sent by warren (a warren job's input is the ingest's to judge). */
  fromCelery: boolean,
): { input: unknown } | { reason: string } {
  const keys = objectSchemaKeys(task?.input);
  const warrenForm = form === 'array' || form === 'value' ? form : undefined;
  // A Python call of a task whose input is one value or a list: `square(7)`, not square(n=7).
  if (task && !keys && !warrenForm && args.length > 0 && Object.keys(kwargs).length === 0) {
    const positional = positionalInput(args, task.input);
    if (positional) return positional;
  }
  // What Python raises TypeError for: run anyway, the args were dropped (a schema whose keys all
  // have defaults ran on its defaults) or a keyword silently won over a positional arg.
  if (task && keys && args.length > 0) {
    const mismatch = positionalMismatch(task.name, keys, args, kwargs);
    if (mismatch) return { reason: mismatch };
  }
  // A keyword the schema would drop: Python raises TypeError, warren ran without it (on defaults).
  const unexpected = task && keys && fromCelery && unexpectedKeyword(task.name, task.input, kwargs);
  if (unexpected) return { reason: unexpected };
  return { input: argsToInput({ args, kwargs }, keys, warrenForm) };
}

/**
 * The task id a refused message's client waits on: the `id` header (protocol 2), else the
 * correlation id, which Celery sets to the task id in both protocols and is all protocol 1 has
 * outside its body (a pickle body is never opened). Without it a v1 client waited for ever.
 */
function refusedTaskId(message: IncomingMessage): string | undefined {
  const { headers, correlationId } = message.properties;
  if (typeof headers?.id === 'string' && headers.id !== '') return headers.id;
  if (headers?.id === undefined && typeof correlationId === 'string' && correlationId !== '')
    return correlationId;
  return undefined;
}

function readExtras(raw: unknown): WarrenExtras {
  if (typeof raw !== 'string') return {};
  try {
    const v = JSON.parse(raw);
    return isPlainObject(v) ? (v as WarrenExtras) : {};
  } catch {
    return {};
  }
}
