import { ValidationError } from '@warren/core';
import type { Context } from 'hono';

/**
 * The Idempotency-Key header, refused (400 naming it) unless printable ASCII without commas.
 *
 * Sent twice, the header reached the app joined into a key the caller never sent, a different one
 * per adapter (Node "a, b", a Function URL "a,b", an ALB through hono "a; b"), and the same retry
 * through two of them enqueued the job twice. A Function URL's join cannot be told from one value
 * holding a comma, so the key has none (the Lambda adapter marks an ALB's or a REST API's repeated
 * header, whose values it has apart, as it marks non-ASCII ones).
 *
 * A header's other
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
        message:
          'one header, printable ASCII without commas (a repeated header arrives joined by commas): send a key with other characters as the body idempotencyKey',
      },
    ]);
  }
  return key;
}

/**
 * A refusal of a key the Idempotency-Key header gave (too long, empty) with its field error naming
 * the header: it named `idempotencyKey`, a body field the caller never sent.
 */
export function namingHeaderKey(err: unknown): unknown {
  if (!(err instanceof ValidationError) || !err.errors?.some((e) => e.path === 'idempotencyKey')) return err;
  const errors = err.errors.map((e) => (e.path === 'idempotencyKey' ? { ...e, path: 'Idempotency-Key' } : e));
  return new ValidationError(err.message, errors);
}

/** Printable ASCII but the comma (0x2c). */
const PRINTABLE_ASCII = /^[\x20-\x2b\x2d-\x7e]*$/;

/** What the Lambda adapter puts in place of a non-ASCII or repeated key (see `asciiIdempotencyKey`). */
export const NON_ASCII_KEY = '\x7f';
