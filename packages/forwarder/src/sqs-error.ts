/** An error thrown by an SQS call, as @aws-sdk/client-sqs throws it. */
export type SqsError = Error & { Code?: string; $metadata?: { httpStatusCode?: number } };

const THROTTLE = /throttl|RequestThrottled|TooManyRequests|SlowDown|ServiceUnavailable|InternalError/i;

/**
 * Client errors that are about the queue, the account or the credentials, not about a message:
 * every message would get them. AWS answers most of them with 400, as it answers a bad message.
 */
const LINK = new RegExp(
  [
    'QueueDoesNotExist',
    'NonExistentQueue',
    'QueueDeletedRecently',
    'AccessDenied',
    'Kms',
    'InvalidSecurity',
    'InvalidAddress',
    'UnsupportedOperation',
    'InvalidClientTokenId',
    'UnrecognizedClient',
    'InvalidAccessKeyId',
    'SignatureDoesNotMatch',
    'IncompleteSignature',
    'MissingAuthenticationToken',
    'ExpiredToken',
    'RequestExpired',
    'NotAuthorized',
    'OptInRequired',
  ].join('|'),
  'i',
);

/**
 * What a failed SQS call means for the sink:
 * - `transient`: throttled, a server error or no answer: back off and send again;
 * - `link`: something is wrong with the queue or the credentials: the link restarts (backoff);
 * - `refused`: SQS refused the request for what it carries (400, or 413 from a proxy): with one
 *   entry, that entry is refused; with several, one of them may be (a FIFO queue refuses the whole
 *   SendMessageBatch for one bad entry).
 */
export function sqsErrorKind(err: unknown): 'transient' | 'link' | 'refused' {
  const e = err as SqsError;
  const status = e.$metadata?.httpStatusCode;
  const what = `${e.name} ${e.Code ?? ''} ${e.message}`;
  if (THROTTLE.test(what) || !status || status >= 500 || status === 429) return 'transient';
  if (LINK.test(`${e.name} ${e.Code ?? ''}`)) return 'link';
  return status === 400 || status === 413 ? 'refused' : 'link';
}

/** SQS's words for an error, as a dead letter's reason or a link error carries them. */
export function sqsErrorText(err: unknown): string {
  const e = err as SqsError;
  return `${e.name}: ${e.message}`;
}
