import {
  assertBodyDepth,
  firstInexactNumber,
  PayloadTooLargeError,
  shownNumber,
  UnsupportedMediaTypeError,
  ValidationError,
  WarrenError,
} from '@warren/core';
import type { Context, MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    jsonBody: unknown;
    /** The body's size in bytes as read (UTF-8). */
    jsonBodyBytes: number;
  }
}

/**
 * Reads a JSON body with a size limit (413), a JSON content type (415), a parse check and a
 * nesting limit (400), so route handlers only ever see parsed JSON the publish can serialise. Without a content-length the limit is enforced
 * while streaming, so a chunked body cannot make us buffer more than `limit` bytes.
 */
export function jsonBody(limit: number): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type');
    if (!type || !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type))
      throw new UnsupportedMediaTypeError(type);
    // JSON is UTF-8 (RFC 8259 8.1) and is read as such: a body declared in another charset was
    // decoded as UTF-8 all the same, bytes valid in both enqueued as other text than the caller's.
    const charset = declaredCharset(type);
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      throw new WarrenError(
        415,
        'unsupported-media-type',
        `charset ${charset} is not supported: send the JSON body as UTF-8 (charset=utf-8)`,
      );
    }
    // A compressed body is not JSON text: say so (415, RFC 9110 15.5.16), not "invalid UTF-8".
    const encoding = c.req.header('content-encoding');
    if (encoding && !/^\s*identity\s*$/i.test(encoding)) {
      throw new WarrenError(
        415,
        'unsupported-media-type',
        `Content-Encoding ${encoding} is not supported: send the body uncompressed`,
      );
    }
    const declared = Number(c.req.header('content-length'));
    if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
    // With a declared length a real HTTP server frames the body by it (Node's parser, Lambda's
    // buffered event), so read it in one go: the adapters' fast path, ~2x the throughput of
    // streaming it through a web ReadableStream. The size is checked again afterwards for
    // runtimes that hand over a body longer than declared. Chunked bodies are streamed and cut
    // off at the limit.
    const bytes = await (Number.isFinite(declared) ? readDeclared(c, limit) : readLimited(c, limit)).catch(
      cutShort,
    );
    c.set('jsonBodyBytes', bytes.byteLength);
    const text = decodeUtf8(bytes);
    assertBodyDepth(text);
    try {
      c.set('jsonBody', JSON.parse(text));
    } catch (err) {
      throw new ValidationError('body is not valid JSON', [
        { path: '(body)', message: (err as Error).message },
      ]);
    }
    // Published as parsed, such a number would reach the worker as another value: refused.
    const inexact = firstInexactNumber(text);
    if (inexact) {
      const { parsed } = inexact;
      const literal = shownNumber(inexact.literal);
      const message = !Number.isFinite(parsed)
        ? `${literal} is past the largest number JSON here carries (it would arrive as null)`
        : parsed === 0
          ? `${literal} would arrive as 0: below the smallest number JSON here carries (5e-324), send it as a string`
          : `${literal} would arrive as ${parsed}: send integers past 2^53 (9007199254740991) as strings`;
      throw new ValidationError('body holds a number that cannot be kept exactly', [
        { path: '(body)', message },
      ]);
    }
    await next();
  };
}

/** The charset parameter of a Content-Type (unquoted), or undefined without one. */
function declaredCharset(type: string): string | undefined {
  if (!type.includes(';')) return undefined;
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(type);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * A body read that failed other than on the limit: the client closed the connection mid-body
 * (Node's "aborted"). Its doing, so a 400, not a 500 that onError logs and the request metric
 * counts as a server error, once per client that hangs up.
 */
function cutShort(err: unknown): never {
  if (err instanceof WarrenError) throw err;
  throw new ValidationError('the request body was cut short', [
    { path: '(body)', message: 'the connection closed before the whole body arrived' },
  ]);
}

async function readDeclared(c: Context, limit: number): Promise<Uint8Array> {
  const buf = new Uint8Array(await c.req.arrayBuffer());
  if (buf.byteLength > limit) throw new PayloadTooLargeError(limit);
  return buf;
}

async function readLimited(c: Context, limit: number): Promise<Uint8Array> {
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  const buf = new Uint8Array(size);
  let off = 0;
  for (const ch of chunks) {
    buf.set(ch, off);
    off += ch.byteLength;
  }
  return buf;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(buf: Uint8Array): string {
  try {
    return utf8.decode(buf);
  } catch {
    throw new ValidationError('body is not valid UTF-8', [{ path: '(body)', message: 'invalid UTF-8' }]);
  }
}
