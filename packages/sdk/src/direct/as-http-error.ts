import { WarrenError } from '@warren/core';
import { WarrenHttpError } from '../http/errors';

/**
 * A direct client's failure as the HTTP client reports the same answer: a WarrenHttpError with
 * the status, the problem+json body the ingest would send and its Retry-After (429/503 only, as
 * the ingest sets it), so callers handle both clients alike. The original error is the cause.
 */
export function asHttpError(err: unknown): unknown {
  if (!(err instanceof WarrenError)) return err;
  const retryAfterS =
    err.status === 409 || err.status === 429 || err.status === 503 ? err.retryAfterS : undefined;
  const out = new WarrenHttpError(
    err.status,
    err.toProblem(),
    retryAfterS === undefined ? undefined : retryAfterS * 1000,
  );
  return Object.assign(out, { cause: err });
}

/** Rethrows through `asHttpError`: `promise.catch(rethrowAsHttp)`. */
export const rethrowAsHttp = (err: unknown): never => {
  throw asHttpError(err);
};
