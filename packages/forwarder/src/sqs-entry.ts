import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { MessageAttributeValue, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
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
  if (!isUtf8(item.content)) return { reason: 'body is not UTF-8 text (SQS carries text only)' };
  const body = item.content.toString('utf8');
  const attrs: Record<string, MessageAttributeValue> = {};
  const o = optionsOf(item);
  if (o.contentType) attrs['content-type'] = { DataType: 'String', StringValue: o.contentType };
  if (o.type) attrs['amqp-type'] = { DataType: 'String', StringValue: String(o.type) };
  if (o.messageId) attrs['amqp-message-id'] = { DataType: 'String', StringValue: String(o.messageId) };
  const hops = o.headers?.[FORWARDED_HEADER];
  if (Array.isArray(hops)) attrs[FORWARDED_HEADER] = { DataType: 'String', StringValue: hops.join(' | ') };
  let bytes = Buffer.byteLength(body);
  for (const [k, v] of Object.entries(attrs))
    bytes += k.length + v.DataType!.length + Buffer.byteLength(v.StringValue!);
  if (bytes > limits.maxMessageBytes) {
    return { reason: `oversize for SQS: ${bytes} bytes > ${limits.maxMessageBytes}` };
  }
  const entry: SqsEntry['entry'] = { MessageBody: body, MessageAttributes: attrs };
  if (fifo) {
    // Each job its own group: no head-of-line blocking between jobs, Lambda scales per group.
    const id = item.jobId ?? createHash('sha256').update(item.content).digest('hex');
    entry.MessageGroupId = id.slice(0, 128);
    entry.MessageDeduplicationId = id.slice(0, 128);
  }
  return { tag: item.tag, bytes, entry, attempts: 0 };
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
