import { isUtf8 } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import type { MessageAttributeValue, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { sqsSafeJson } from '@warren/core';
import { FORWARDED_HEADER } from './provenance';
import { optionsOf } from './raw-properties';
import type { OutItem } from './sink';

/** SQS limits the forwarder batches within (AWS: 10 entries, 256 KiB per message and per batch). */
export interface SqsLimits {
  maxEntries: number;
  maxBatchBytes: number;
  maxMessageBytes: number;
}
export const SQS_LIMITS: SqsLimits = { maxEntries: 10, maxBatchBytes: 262_144, maxMessageBytes: 262_144 };

export interface SqsEntry {
  tag: number;
  bytes: number;
  entry: Omit<SendMessageBatchRequestEntry, 'Id'>;
  attempts: number;
}

/**
 * Maps a prepared AMQP message to an SQS batch entry, or a reason it can never be sent. SQS has no
 * priority or per-message TTL; type, message id, content type and provenance travel as attributes
 * (SQS allows 10).
 */
export function toSqsEntry(item: OutItem, fifo: boolean, limits: SqsLimits): SqsEntry | { reason: string } {
  // SQS refuses an empty body, and a FIFO queue then the whole batch: the link restarted on it for ever.
  if (item.content.length === 0) return { reason: 'empty body (SQS takes no empty message)' };
  if (!isUtf8(item.content)) return { reason: 'body is not UTF-8 text (SQS carries text only)' };
  let body = item.content.toString('utf8');
  // One scan of the body in the usual case; a JSON body refused only for U+FFFE / U+FFFF goes escaped.
  let refusedBody = refusedChar('body', body);
  const escaped = refusedBody ? escapedJson(body) : undefined;
  if (escaped) {
    body = escaped;
    refusedBody = refusedChar('body', body);
  }
  const attrs: Record<string, MessageAttributeValue> = {};
  const o = optionsOf(item);
  if (o.contentType) attrs['content-type'] = { DataType: 'String', StringValue: o.contentType };
  if (o.type) attrs['amqp-type'] = { DataType: 'String', StringValue: String(o.type) };
  if (o.messageId) attrs['amqp-message-id'] = { DataType: 'String', StringValue: String(o.messageId) };
  const hops = o.headers?.[FORWARDED_HEADER];
  if (Array.isArray(hops)) attrs[FORWARDED_HEADER] = { DataType: 'String', StringValue: hops.join(' | ') };
  const refused = refusedBody ?? firstRefusedAttr(attrs);
  if (refused) return { reason: refused };
  let bytes = Buffer.byteLength(body);
  for (const [k, v] of Object.entries(attrs))
    bytes += k.length + v.DataType!.length + Buffer.byteLength(v.StringValue!);
  if (bytes > limits.maxMessageBytes) {
    return { reason: `oversize for SQS: ${bytes} bytes > ${limits.maxMessageBytes}` };
  }
  const entry: SqsEntry['entry'] = { MessageBody: body, MessageAttributes: attrs };
  if (fifo) {
    // Each job its own group: no head-of-line blocking between jobs, Lambda scales per group.
    // The job id deduplicates a re-send (SQS drops a second send of it within 5 minutes). A
    // message with no id gets a random one: a hash of its body made SQS drop the next message
    // with the same body (two identical requests) as a duplicate, confirmed and never delivered.
    const id = fifoToken(item.jobId ?? randomUUID());
    entry.MessageGroupId = id;
    entry.MessageDeduplicationId = id;
  }
  return { tag: item.tag, bytes, entry, attempts: 0 };
}

/**
 * Characters SQS takes in a body and in a string attribute (the W3C XML character set; AWS API
 * reference, SendMessage / SendMessageBatch and MessageAttributeValue). SQS refuses a message with
 * any other (InvalidMessageContents; a FIFO queue the whole batch), or, as one version of those
 * docs said, replaces them with U+FFFD: either way the message would not arrive as sent.
 */
const REFUSED_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const ALLOWED = '#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF';

/**
 * A JSON body (every warren job) with U+FFFE / U+FFFF written as escapes, or undefined when it
 * holds neither or is not JSON (then the characters are the message's own). JSON.stringify leaves
 * them raw in strings; escaped they are the same JSON value, which SQS takes (a job dead-lettered
 * for a character in its input was lost to its workers).
 */
function escapedJson(body: string): string | undefined {
  const escaped = sqsSafeJson(body);
  if (escaped === body) return undefined;
  try {
    JSON.parse(escaped);
    return escaped;
  } catch {
    return undefined;
  }
}

function refusedChar(what: string, text: string): string | undefined {
  const m = REFUSED_CHAR.exec(text);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `${what} has character U+${code} at ${m.index}, which SQS refuses (it takes ${ALLOWED})`;
}

function firstRefusedAttr(attrs: Record<string, MessageAttributeValue>): string | undefined {
  for (const [k, v] of Object.entries(attrs)) {
    const r = refusedChar(`message attribute ${k}`, v.StringValue ?? '');
    if (r) return r;
  }
  return undefined;
}

/**
 * An id as SQS takes it for a group or deduplication id (1-128 printable ASCII characters), or its
 * SHA-256: cut to 128, two ids sharing those characters would be one message to SQS.
 */
function fifoToken(id: string): string {
  return /^[!-~]{1,128}$/.test(id) ? id : createHash('sha256').update(id).digest('hex');
}

/** Takes the next batch off `queue`: at most `maxEntries` entries and `maxBatchBytes` in total. */
export function takeBatch(queue: SqsEntry[], limits: SqsLimits): SqsEntry[] {
  let n = 0;
  let bytes = 0;
  while (n < queue.length && n < limits.maxEntries) {
    const b = queue[n]!.bytes;
    if (n > 0 && bytes + b > limits.maxBatchBytes) break;
    bytes += b;
    n++;
  }
  return queue.splice(0, n);
}
