import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, WarrenError } from '@warren/core';

/** Node's parser errors (its own statuses) as problem codes. */
const ANSWERS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'request-header-fields-too-large',
    'request headers over the server limit',
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [
    413,
    'Content Too Large',
    'payload-too-large',
    'chunk extensions over the server limit',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    'Request Timeout',
    'request-timeout',
    'the request was not received in time',
  ],
};
const BAD_REQUEST: [number, string, string, string] = [
  400,
  'Bad Request',
  'invalid-request',
  'not a valid HTTP request',
];

/**
 * `clientError` for the Node server: a request its HTTP parser refuses (a control character in a
 * header, headers over its 16 KB, a broken request line) got Node's bare status without a body,
 * the one answer that was not problem+json. Answered as Node's default does (the same statuses,
 * only while no response has started on the socket, then closed), with a problem+json body.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const [status, reason, code, detail] = ANSWERS[err.code ?? ''] ?? BAD_REQUEST;
    const body = JSON.stringify(new WarrenError(status, code, detail).toProblem());
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
