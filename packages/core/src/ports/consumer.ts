import type { JobEnvelope } from '@warren/protocol';

/**
 * One received job. Exactly one of ack/retry/deadLetter/release settles it.
 * Messages whose body is not a valid envelope never reach a handler: the adapter dead-letters them.
 */
export interface Delivery {
  readonly job: JobEnvelope;
  /** 1-based attempt number (envelope count, or the broker's receive count where that is authoritative). */
  readonly attempt: number;
  /** The broker has delivered this message before (a crash or a requeue happened). */
  readonly redelivered: boolean;
  /**
   * `attempt` counts every receive (SQS's ApproximateReceiveCount): a run lost with its worker is
   * counted by the redelivery itself, and may take `attempt` past `job.maxAttempts`. Unset: the
   * broker hands a lost run back with its own attempt (AMQP, the in-memory broker).
   */
  readonly attemptCountsReceives?: boolean;
  ack(): Promise<void>;
  /** Re-enqueue as attempt+1 after `delayMs`; the original is acked only once the retry is confirmed. */
  retry(delayMs: number): Promise<void>;
  /**
   * Re-enqueue unrun after `delayMs`, keeping this attempt's number (another worker holds the
   * job's lease: nothing ran here). Adapters without it fall back to `retry`.
   */
  defer?(delayMs: number): Promise<void>;
  /** Move to the queue's dead-letter queue with a reason (and the last error, in the reason text). */
  deadLetter(reason: string): Promise<void>;
  /** Give the message back unchanged (infrastructure trouble: the job did not run to a result). */
  release(): Promise<void>;
}

export interface ConsumeOptions {
  /** Unacknowledged deliveries the broker may hand out at once. */
  prefetch?: number;
}

export interface Subscription {
  /** Stop receiving new deliveries; deliveries already handed out can still be settled. */
  close(): Promise<void>;
  /**
   * Since when (epoch ms) the broker has had no consumer for this subscription while it is open
   * (connection down, consumer cancelled, a restart the broker refuses); undefined while consuming.
   * Optional: a transport that cannot tell omits it (then it counts as consuming).
   */
  idleSince?(): number | undefined;
}

/** If `onDelivery` rejects without settling, the adapter releases the message for redelivery. */
export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export interface Consumer {
  consume(queue: string, onDelivery: DeliveryHandler, opts?: ConsumeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
