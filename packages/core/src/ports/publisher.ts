import type { JobEnvelope } from '@warren/protocol';

export interface PublishOptions {
  /** Deliver no earlier than this many ms from now (delay tiers on RabbitMQ, DelaySeconds on SQS). */
  delayMs?: number;
  /** Give up waiting for the broker's confirm after this long (rejects with a recoverable TransportError). */
  timeoutMs?: number;
}

/**
 * `publish` resolves only after the broker confirmed the message. It rejects with a
 * `TransportError { recoverable }` otherwise (`QueueFullError` when the queue is at its limit).
 */
export interface Publisher {
  publish(queue: string, job: JobEnvelope, opts?: PublishOptions): Promise<void>;
  close(): Promise<void>;
}
