import type { FieldError, Problem } from './problem';

const TYPE_BASE = 'https://warren.dev/problems/';

/** An error that knows its HTTP status and renders itself as problem+json (the Hono way). */
export class WarrenError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors?: FieldError[];
  /** Seconds the caller should wait before retrying (429/503, and a 409 that passes by itself). */
  readonly retryAfterS?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { errors?: FieldError[]; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.errors = opts.errors;
    this.retryAfterS = opts.retryAfterS;
  }

  toProblem(instance?: string): Problem {
    return {
      type: TYPE_BASE + this.code,
      title: this.code.replace(/-/g, ' '),
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export class ValidationError extends WarrenError {
  constructor(message: string, errors: FieldError[]) {
    super(400, 'invalid-request', message, { errors });
  }
}
export class UnauthorizedError extends WarrenError {
  constructor(message = 'missing or invalid API key') {
    super(401, 'unauthorized', message);
  }
}
export class ForbiddenError extends WarrenError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends WarrenError {
  constructor(message: string) {
    super(404, 'not-found', message);
  }
}
export class ConflictError extends WarrenError {
  /** `retryAfterS` when the conflict passes by itself (a key still being accepted). */
  constructor(message: string, opts: { retryAfterS?: number } = {}) {
    super(409, 'conflict', message, opts);
  }
}
export class PayloadTooLargeError extends WarrenError {
  /** `errors`: what is too large when that is not the whole body (a batch item: path ''). */
  constructor(limit: number, errors?: FieldError[]) {
    super(413, 'payload-too-large', `body exceeds ${limit} bytes`, { errors });
  }
}
export class UnsupportedMediaTypeError extends WarrenError {
  constructor(got: string | undefined) {
    super(415, 'unsupported-media-type', `expected application/json, got ${got ?? 'no content-type'}`);
  }
}
/** The request is well-formed but names an unknown task or its input fails the task's schema. */
export class UnprocessableError extends WarrenError {
  constructor(message: string, errors: FieldError[] = []) {
    super(422, 'unprocessable', message, { errors });
  }
}

/**
 * A broker/transport failure. Adapters classify their driver's errors (the kombu way);
 * failover and retry code reads only `recoverable`: true means "try again, here or elsewhere".
 */
export class TransportError extends WarrenError {
  readonly recoverable: boolean;
  constructor(
    message: string,
    recoverable: boolean,
    opts: { cause?: unknown; retryAfterS?: number; status?: number; code?: string } = {},
  ) {
    super(opts.status ?? 503, opts.code ?? 'broker-unavailable', message, {
      cause: opts.cause,
      retryAfterS: opts.retryAfterS ?? 1,
    });
    this.recoverable = recoverable;
  }
}

/** The queue is at its length limit (`x-overflow: reject-publish`): back-pressure, never a silent drop. */
export class QueueFullError extends TransportError {
  readonly queue: string;
  constructor(queue: string, opts: { cause?: unknown } = {}) {
    super(`queue ${queue} is full`, false, { ...opts, retryAfterS: 5, status: 429, code: 'queue-full' });
    this.queue = queue;
  }
}

/** No region could confirm the publish. */
export class UnavailableError extends WarrenError {
  constructor(message: string, retryAfterS = 2, cause?: unknown) {
    super(503, 'unavailable', message, { retryAfterS, cause });
  }
}

export const isTransportError = (err: unknown): err is TransportError => err instanceof TransportError;
