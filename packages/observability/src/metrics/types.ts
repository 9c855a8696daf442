import type { ExecutionEvent, ProducerDeps, RegionStatus } from '@warren/core';

/** The producer's event type (core exports the hook, not the union). */
export type ProducerEvent = Parameters<NonNullable<ProducerDeps['onEvent']>>[0];
export type { ExecutionEvent, RegionStatus };

/** A queue's depth and consumers, as the broker reports them (amqp `checkQueue`, memory `depth`). */
export interface QueueStats {
  messageCount: number;
  consumerCount?: number;
  /** Messages in its dead-letter queue (`<queue>.dlq`); undefined when that could not be read. */
  deadLetters?: number;
}

export type QueueStatsFn = (queue: string) => Promise<QueueStats | undefined> | QueueStats | undefined;

/** One forwarder link, as the forwarder reports it. Counters are cumulative since the link started. */
export interface LinkStatus {
  name: string;
  source: string;
  destination: string;
  /** Messages moved and confirmed by the destination. */
  forwarded: number;
  /** Published to the destination, not yet confirmed (source not yet acked). */
  inFlight: number;
  /**
   * Messages waiting in the source queue, as last measured while the link ran; undefined when not
   * known (before the first check, or while the link does not run: the last figure would be stale).
   */
  lag?: number;
  /** Age of the oldest forwarded message at its confirm, if the forwarder measures it. */
  lagSeconds?: number;
  state?: 'running' | 'reconnecting' | 'stopped' | string;
  /** Messages the link sent to its source's dead-letter queue (poison, loops, expired). */
  deadLettered?: number;
  /** Times the link failed and started again. */
  restarts?: number;
}

export type LinkStatusFn = () => Promise<LinkStatus[]> | LinkStatus[];
