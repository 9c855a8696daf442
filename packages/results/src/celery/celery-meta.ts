import { type JobError, type JobRecord, type JobState, quoteUnsafeIntegers } from '@warren/core';
import { nonFiniteToNull } from './celery-non-finite';

/**
 * Celery's Redis result-backend format (checked against Celery 5.2.6's
 * `BaseKeyValueStoreBackend._store_result` and values captured from it, see fixtures/):
 * key `celery-task-meta-<id>`, a JSON object `{status, result, traceback, children, date_done,
 * task_id}` in that order, written with SETEX (`result_expires`, default 1 day) and PUBLISHed on
 * the key as channel, which is how `AsyncResult.get()` is woken up.
 */
export const CELERY_KEY_PREFIX = 'celery-task-meta-';
/** Celery's `result_expires` default: one day. */
export const CELERY_RESULT_EXPIRES_S = 86_400;

export type CeleryStatus = 'PENDING' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE' | 'REVOKED';
export const CELERY_READY_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

export interface CeleryException {
  exc_type: string;
  exc_message: unknown[];
  exc_module: string | null;
}

export interface CeleryMeta {
  status: CeleryStatus;
  result: unknown;
  traceback: string | null;
  children: unknown[] | null;
  date_done: string | null;
  task_id: string;
  // Present only with `result_extended=True` (Celery writes them between date_done and task_id).
  name?: string;
  args?: unknown;
  kwargs?: unknown;
  worker?: string;
  retries?: number;
  queue?: string;
}

/**
 * Which Celery status a warren transition writes. `queued`/`scheduled` write nothing (Celery
 * never stores PENDING: it is what a missing key means); `running` writes STARTED only with
 * `track_started`, as Celery does.
 */
export function celeryStatusFor(state: JobState, trackStarted = false): CeleryStatus | undefined {
  switch (state) {
    case 'running':
      return trackStarted ? 'STARTED' : undefined;
    case 'retrying':
      return 'RETRY';
    case 'succeeded':
      return 'SUCCESS';
    case 'failed':
      return 'FAILURE';
    case 'cancelled':
    case 'expired':
      return 'REVOKED';
    default:
      return undefined;
  }
}

/** Python builtins an error type may safely name (Celery rebuilds the class from exc_module). */
const PY_BUILTIN_EXCEPTIONS = new Set(
  (
    'Exception ArithmeticError AssertionError AttributeError BufferError EOFError FloatingPointError ' +
    'ImportError IndexError KeyError LookupError MemoryError NameError NotImplementedError OSError ' +
    'OverflowError RecursionError ReferenceError RuntimeError StopIteration SyntaxError SystemError ' +
    'TimeoutError TypeError UnicodeError ValueError ZeroDivisionError ConnectionError PermissionError ' +
    'FileNotFoundError FileExistsError'
  ).split(' '),
);

/**
 * An error as Celery's JSON backend stores exceptions (`prepare_exception`). Types Python has
 * as builtins (TypeError, ValueError…) map to them so `except ValueError` works in Python; any
 * other type gets a module Python cannot import, so Celery synthesizes an exception class of
 * that name instead (its `create_exception_cls` fallback).
 */
export function toCeleryException(error: Pick<JobError, 'type' | 'message'>): CeleryException {
  const type = /^[A-Za-z_][A-Za-z0-9_]*$/.test(error.type) ? error.type : 'Exception';
  return {
    exc_type: type,
    exc_message: [error.message],
    exc_module: PY_BUILTIN_EXCEPTIONS.has(type) ? 'builtins' : 'warren',
  };
}

/** `datetime.utcnow().isoformat()`: naive UTC with microseconds, as Celery 5.2 writes date_done. */
export function pyUtcIso(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000`;
}

export interface MetaInput {
  id: string;
  status: CeleryStatus;
  record: JobRecord;
  now?: Date;
  /** `result_extended=True`: also name, args, kwargs, worker, retries, queue. */
  extended?: { worker: string; args: unknown; kwargs: unknown };
  /** REVOKED reason (Celery stores `TaskRevokedError(reason)`). */
  reason?: string;
}

export function buildCeleryMeta({
  id,
  status,
  record,
  now = new Date(),
  extended,
  reason,
}: MetaInput): CeleryMeta {
  let result: unknown = null;
  let traceback: string | null = null;
  if (status === 'SUCCESS') result = record.result ?? null;
  else if (status === 'FAILURE' || status === 'RETRY') {
    const error = record.error ?? { type: 'Exception', message: 'unknown error' };
    result = toCeleryException(error);
    traceback = record.error?.stack ?? null;
  } else if (status === 'REVOKED') {
    result = { exc_type: 'TaskRevokedError', exc_message: [reason ?? ''], exc_module: 'celery.exceptions' };
  } else if (status === 'STARTED') {
    result = {
      pid: typeof process !== 'undefined' ? process.pid : 0,
      hostname: extended?.worker ?? 'warren',
    };
  }
  const meta: CeleryMeta = {
    status,
    result,
    traceback,
    children: [],
    date_done: CELERY_READY_STATES.has(status) ? pyUtcIso(now) : null,
    task_id: id,
  };
  if (extended) {
    delete (meta as Partial<CeleryMeta>).task_id;
    Object.assign(meta, {
      name: record.task,
      args: extended.args,
      kwargs: extended.kwargs,
      worker: extended.worker,
      retries: Math.max(0, record.attempts - 1),
      queue: record.queue,
      task_id: id,
    });
  }
  return meta;
}

/** Reads a stored meta; undefined when it is not Celery's JSON shape. */
export function parseCeleryMeta(raw: string | null | undefined): CeleryMeta | undefined {
  if (!raw) return undefined;
  try {
    // A Python result's integer past 2^53 (a 64-bit id) keeps its digits, as a string: read as a
    // number it became another one (2**63 - 1 → 9223372036854775808). Its inf / nan are null.
    const v = JSON.parse(quoteUnsafeIntegers(nonFiniteToNull(raw))) as CeleryMeta;
    return v && typeof v === 'object' && typeof v.status === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** date_done (naive UTC, microseconds) → ISO-8601 `Z`. */
function fromPyIso(s: string | null): string | undefined {
  if (!s) return undefined;
  const ms = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(s) ? s : `${s}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function fromCeleryException(result: unknown, traceback: string | null, retryable: boolean): JobError {
  const exc = (result ?? {}) as Partial<CeleryException>;
  const msg = Array.isArray(exc.exc_message)
    ? exc.exc_message.map(String).join(', ')
    : String(exc.exc_message ?? '');
  return {
    type: exc.exc_type ?? 'Exception',
    message: msg,
    retryable,
    ...(traceback ? { stack: traceback } : {}),
  };
}

/**
 * The warren view of a job a Python worker ran: the Celery status merged into the warren record
 * (which stays `queued` because no warren worker touched it). PENDING changes nothing.
 */
export function mergeCeleryMeta(record: JobRecord, meta: CeleryMeta): JobRecord {
  const finishedAt = fromPyIso(meta.date_done);
  const attempts = typeof meta.retries === 'number' ? meta.retries + 1 : Math.max(record.attempts, 1);
  switch (meta.status) {
    case 'SUCCESS':
      return { ...record, state: 'succeeded', result: meta.result, error: undefined, attempts, finishedAt };
    case 'FAILURE':
      return {
        ...record,
        state: 'failed',
        error: fromCeleryException(meta.result, meta.traceback, false),
        attempts,
        finishedAt,
      };
    case 'REVOKED': {
      const exc = meta.result as Partial<CeleryException> | null;
      const expired = Array.isArray(exc?.exc_message) && exc.exc_message[0] === 'expired';
      return { ...record, state: expired ? 'expired' : 'cancelled', finishedAt };
    }
    case 'STARTED':
      return { ...record, state: 'running', attempts };
    case 'RETRY':
      return {
        ...record,
        state: 'retrying',
        error: fromCeleryException(meta.result, meta.traceback, true),
        attempts,
      };
    default:
      return record;
  }
}
