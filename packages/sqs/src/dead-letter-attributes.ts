import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { sqsSafeText } from '@warren/core';
import { MAX_PAYLOAD_BYTES } from './limits';

const REASON_MAX = 4096;
const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s).byteLength;

/** SQS counts each attribute's name, data type and value against the message size. */
const attrBytes = (name: string, v: MessageAttributeValue) =>
  bytes(name) + bytes(v.DataType ?? '') + bytes(v.StringValue ?? '');

/**
 * The DLQ copy's attributes (reason, source queue, receive count), cut to what fits beside a body
 * of `bodyBytes`: a body near the 256 KiB limit plus a 4 KB reason would be refused by SQS, and
 * the message would never reach the DLQ. The reason is shortened first, then attributes are
 * dropped (least useful first); the body is never touched.
 */
export function deadLetterAttributes(
  bodyBytes: number,
  reason: string,
  sourceQueueUrl: string,
  receiveCount: number,
): Record<string, MessageAttributeValue> {
  let budget = MAX_PAYLOAD_BYTES - bodyBytes;
  const out: Record<string, MessageAttributeValue> = {};
  const count: MessageAttributeValue = { DataType: 'Number', StringValue: String(receiveCount) };
  const source: MessageAttributeValue = { DataType: 'String', StringValue: sourceQueueUrl };
  for (const [name, v] of [
    ['warren-receive-count', count],
    ['warren-source-queue', source],
  ] as const) {
    const size = attrBytes(name, v);
    if (size > budget) continue;
    out[name] = v;
    budget -= size;
  }
  const fixed = attrBytes('warren-reason', { DataType: 'String', StringValue: '' });
  // Characters SQS refuses (the task's error may quote binary data) as escapes: refused, the copy
  // never reached the DLQ and the message went round until SQS's redrive moved it without a reason.
  let text = sqsSafeText(reason.slice(0, REASON_MAX)) || 'unknown';
  // Shorten by characters until the UTF-8 bytes fit (a multi-byte reason may need a few steps).
  while (text.length > 0 && fixed + bytes(text) > budget) {
    text = text.slice(0, Math.max(0, Math.min(text.length - 1, budget - fixed)));
    // A cut between a surrogate pair's halves leaves a lone one, which SQS refuses as well.
    if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1);
  }
  if (text.length > 0) out['warren-reason'] = { DataType: 'String', StringValue: text };
  return out;
}
