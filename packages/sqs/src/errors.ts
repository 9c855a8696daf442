import { TransportError } from '@warren/core';

/** Error codes SQS returns for a bad request that will fail the same way again. */
const PERMANENT = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'InvalidParameterValue',
  'InvalidMessageContents',
  'UnsupportedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'InvalidAddress',
  'InvalidSecurity',
  'BatchRequestTooLong',
  'MissingParameter',
]);

/**
 * Classifies an AWS SDK error into a TransportError (the kombu way): client faults that will
 * repeat are not recoverable; throttling, 5xx and network errors are.
 */
export function toTransportError(err: unknown, what: string): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as { name?: string; Code?: string; message?: string; $fault?: string };
  const code = e.Code ?? e.name ?? 'Error';
  const permanent = PERMANENT.has(code) || e.$fault === 'client';
  const recoverable = /Throttl|RequestThrottled|OverLimit/i.test(code) || !permanent;
  return new TransportError(`${what}: ${code}: ${e.message ?? String(err)}`, recoverable, { cause: err });
}

/** Runs one SDK call, classifying its failure. */
export async function sqsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toTransportError(err, what);
  }
}
