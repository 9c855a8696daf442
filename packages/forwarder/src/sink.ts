import type { Options } from 'amqplib';

/** A prepared message on its way to the destination, keyed by its source delivery tag. */
export interface OutItem {
  tag: number;
  content: Buffer;
  /** Wire properties; or, for a sink that says `rawProperties`, possibly their bytes instead. */
  options?: Options.Publish;
  rawProps?: Buffer;
  /** The source message's routing key (used when publishing to an exchange without a fixed key). */
  routingKey: string;
  jobId?: string;
}

/** How a sink reports back to its link. */
export interface SinkEvents {
  /** The destination confirmed this message. */
  confirmed(tag: number): void;
  /** The destination refused this message for good (e.g. oversize): dead-letter it at the source. */
  rejected(tag: number, reason: string): void;
  /** The sink is broken (connection/channel lost, queue gone): the link restarts. */
  failed(err: Error): void;
  /** A transient problem worth showing in the status (throttled, nacked and retried). */
  warn?(message: string): void;
  /**
   * The destination stopped reading publishes (a memory or disk alarm: connection.blocked) or
   * resumed: no confirms are to be expected meanwhile, and a new connection would be blocked too.
   */
  blocked?(blocked: boolean): void;
}

export interface Sink {
  /** Redacted description, e.g. `amqp://host:5672 queue q`. */
  readonly description: string;
  /** Takes items whose properties come as bytes (`rawProps`): the forwarder then splices them. */
  readonly rawProperties?: boolean;
  send(item: OutItem): void;
  close(): Promise<void>;
}

export type OpenSink = (events: SinkEvents) => Promise<Sink>;
