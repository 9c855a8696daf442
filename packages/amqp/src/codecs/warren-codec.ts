import { parseEnvelope } from '@warren/core';
import type { MessageCodec } from '../codec';

/**
 * warren's own wire format: the JSON envelope as the body, persistent, `messageId` = job id
 * (brokers and consumers dedupe by it), `type` = task, `timestamp` in seconds (AMQP's unit).
 */
export const warrenCodec: MessageCodec = {
  name: 'warren',
  encode(job) {
    return {
      content: Buffer.from(JSON.stringify(job)),
      properties: {
        persistent: true,
        contentType: 'application/json',
        messageId: job.id,
        type: job.task,
        timestamp: Math.floor(Date.now() / 1000),
        ...(job.priority !== undefined ? { priority: job.priority } : {}),
      },
    };
  },
  decode({ content }) {
    const parsed = parseEnvelope(content);
    return parsed.ok ? { ok: true, job: parsed.job } : { ok: false, reason: parsed.reason };
  },
};
