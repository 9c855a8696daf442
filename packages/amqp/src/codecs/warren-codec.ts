import { parseEnvelope } from '@warren/core';
import type { Options } from 'amqplib';
import type { MessageCodec } from '../codec';

/**
 * warren's own wire format: the JSON envelope as the body, persistent, `messageId` = job id
 * (brokers and consumers dedupe by it), `type` = task, `timestamp` in seconds (AMQP's unit).
 */
export const warrenCodec: MessageCodec = {
  name: 'warren',
  encode(job) {
    // A plain literal (no conditional spread) keeps the object in V8's fast mode: amqplib reads
    // a dozen properties from it per message.
    const properties: Options.Publish = {
      persistent: true,
      contentType: 'application/json',
      messageId: job.id,
      type: job.task,
      timestamp: Math.floor(Date.now() / 1000),
      mandatory: true,
    };
    if (job.priority !== undefined) properties.priority = job.priority;
    return { content: Buffer.from(JSON.stringify(job)), properties };
  },
  decode({ content }) {
    const parsed = parseEnvelope(content);
    return parsed.ok ? { ok: true, job: parsed.job } : { ok: false, reason: parsed.reason };
  },
};
