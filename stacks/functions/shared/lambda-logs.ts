/**
 * Logs for the Lambda entries, as the long-running processes write them: pino JSON lines (one
 * CloudWatch event each), secrets and URL credentials masked by createLogger, job lines with their
 * bindings. Only the logging part of @warren/observability is bundled (the build marks the
 * package side-effect free): metrics, their registry and the status routes do not apply on Lambda
 * (nothing scrapes a function) and would cost cold-start time.
 */
import { jobEnvelopeSchema } from '@warren/core';
import { createLogger, jobBindings, type Logger } from '@warren/observability';
import type { DecodedRmqMessage } from '@warren/worker';
import type { SQSRecord } from 'aws-lambda';

/**
 * The function's logger. process.stdout, not pino's default asynchronous destination: writes to a
 * pipe or file are synchronous on Linux, so every line is out before the handler returns and
 * Lambda freezes the process (a buffered line would wait for the next invocation, or be lost).
 */
export function lambdaLogger(name: string): Logger {
  return createLogger({ name, stream: process.stdout });
}

/** What an error line says about the SQS record it concerns: the message, and its job when the body is one. */
export function sqsRecordFields(record: SQSRecord): Record<string, unknown> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount) || undefined;
  const fields = { messageId: record.messageId, receiveCount };
  try {
    const job = jobEnvelopeSchema.safeParse(JSON.parse(record.body));
    if (!job.success) return fields;
    // The delivery's attempt as @warren/sqs counts it (sqs-delivery.ts): the attempts the envelope
    // arrived with, plus this message's receives.
    const attempt = job.data.attempt - 1 + Math.max(1, receiveCount ?? 1);
    return { ...jobBindings(job.data, { attempt }), ...fields };
  } catch {
    return fields; // not JSON: the mapper dead-letters it, with its own reason
  }
}

/** What an error line says about an Amazon MQ message: its queue, and its id and task as AMQP properties carry them. */
export function rmqMessageFields(m: DecodedRmqMessage): Record<string, unknown> {
  // A warren message's messageId is its job id and its type the task (a Celery message's id is in its headers).
  return { queue: m.queue, messageId: m.properties.messageId, task: m.properties.type };
}

/** The record or message a Lambda handler's infrastructure failure concerns, as log fields. */
export const lambdaItemFields = (item: SQSRecord | DecodedRmqMessage): Record<string, unknown> =>
  'receiptHandle' in item ? sqsRecordFields(item) : rmqMessageFields(item);

/**
 * `.catch()` for a function's start-up (config, result store, broker connection): one error line,
 * then the invocation fails as before (Lambda reports it; the next invocation starts up again).
 * Without it the only trace was the runtime's plain-text dump of the error, beside the JSON lines.
 */
export const startupFailed =
  (logger: Logger) =>
  (err: unknown): never => {
    logger.error({ err }, 'start-up failed; this invocation fails and the next one starts again');
    throw err;
  };
