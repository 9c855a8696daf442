import { ValidationError } from '@warren/core';
import type { Context } from 'hono';

/**
 * The Idempotency-Key header, refused (400 naming it) unless printable ASCII. A header's other
 * characters do not reach the app as sent, nor the same way on each adapter: Node reads its bytes
 * as Latin-1 (a UTF-8 client's "é" is "Ã©"), hono/aws-lambda percent-encodes the value ("%C3%A9").
 * Taken, one key sent to two ingests was two keys (the job enqueued twice), the record showed a
 * key the caller never sent, and the same key in header and body disagreed. The body's
 * idempotencyKey (JSON, so UTF-8) takes any characters.
 */
export function idempotencyKeyHeader(c: Context): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key !== undefined && !PRINTABLE_ASCII.test(key)) {
    throw new ValidationError('invalid Idempotency-Key header', [
      {
        path: 'Idempotency-Key',
        message: 'printable ASCII only: send a key with other characters as the body idempotencyKey',
      },
    ]);
  }
  return key;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** What the Lambda adapter puts in place of a non-ASCII key (see `asciiIdempotencyKey`). */
export const NON_ASCII_KEY = '\x7f';
