/** One side of a link on RabbitMQ: a cluster's node URLs (tried in order) and a queue. */
export interface AmqpSource {
  urls: string[];
  queue: string;
  /** Region the queue lives in (for loop safety); default: derived from the first URL's host:port. */
  region?: string;
  /**
   * The source queue's type (config `queues.<q>.type`; default quorum, warren's default). A missing
   * `<queue>.dlq` is declared with it, as warren's topology declares it: of another type, warren's
   * next declare of the queue failed (its arguments cannot change).
   */
  type?: 'quorum' | 'classic';
}

export interface AmqpDestination {
  kind: 'amqp';
  urls: string[];
  /** Publish to this queue (default exchange) ... */
  queue?: string;
  /** ... or to this exchange, with `routingKey` (default: the message's own routing key). */
  exchange?: string;
  routingKey?: string;
  region?: string;
  /**
   * Confirm channels the publishes are spread over, round-robin (1..64, default 8). RabbitMQ runs
   * each channel in its own process, so more channels let the destination use more cores; the
   * destination may then enqueue in another order than the source held. 1 keeps the order.
   */
  channels?: number;
}

export interface SqsDestination {
  kind: 'sqs';
  queueUrl: string;
  /** FIFO queue: MessageGroupId + MessageDeduplicationId = job id (default: URL ends in .fifo). */
  fifo?: boolean;
  awsRegion?: string;
  /** Endpoint override (local-aws-sqs in tests; AWS otherwise). */
  endpoint?: string;
  region?: string;
}

export type Destination = AmqpDestination | SqsDestination;

export interface LinkSpec {
  name: string;
  source: AmqpSource;
  destination: Destination;
  /** Unacked source messages in flight (the on-confirm window). Default 1000. */
  prefetch?: number;
  /** A session not started (both sides connected, consuming) within this long is restarted. Default 30 s. */
  startTimeoutMs?: number;
  /** Restart a link holding unacked messages without progress for this long. Default 30 s. */
  watchdogMs?: number;
  /** Reconnect backoff (exponential, full jitter). Defaults 250 ms .. 15 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often a standby instance retries the exclusive consumer (the lease). Default 2 s. */
  standbyRetryMs?: number;
  /** How often the source queue depth (lag) is read with a passive declare. Default 5 s. */
  lagIntervalMs?: number;
}

/** `idle`: its source queue does not exist (nothing to forward; the usual state in a region where that queue never got a job). */
export type LinkState = 'starting' | 'running' | 'standby' | 'idle' | 'backoff' | 'draining' | 'stopped';

export interface LinkStatus {
  name: string;
  /** Redacted source (`amqp://host:port queue q`) and destination descriptions. */
  source: string;
  destination: string;
  state: LinkState;
  /** Messages confirmed by the destination and acked at the source (since this process started). */
  forwarded: number;
  /** Messages dead-lettered to `<queue>.dlq` on the source (loops, oversize, expired, invalid). */
  deadLettered: number;
  /** Unacked source messages held right now. */
  inFlight: number;
  /** Source queue depth at the last passive check (ready messages), undefined before the first. */
  lag?: number;
  lastError?: string;
  lastErrorAt?: string;
  /** Why the link waits in (or last waited in) standby; cleared once it runs. */
  standby?: string;
  /** The source queue did not exist at the last start: nothing to forward (a drain counts it idle). */
  sourceMissing?: boolean;
  restarts: number;
  lastProgressAt?: string;
  /** Why the last message was dead-lettered. */
  lastDeadLetter?: string;
  /** Redacted `source → destination` description of the current session. */
  route?: string;
}
