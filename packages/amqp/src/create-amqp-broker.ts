import type { Consumer, Publisher } from '@warren/core';
import type { Options, Replies } from 'amqplib';
import type { IncomingMessage, MessageCodec } from './codec';
import { celeryCodec } from './codecs/celery';
import { warrenCodec } from './codecs/warren-codec';
import { ClusterConnection, type ClusterConnectionOptions, timeoutMs } from './connection/cluster-connection';
import type { EventSink } from './connection/events';
import { bounded, NoAnswerError, onTempChannel } from './connection/no-answer';
import { ThawCheck } from './connection/thaw-check';
import { AmqpConsumer } from './consumer/amqp-consumer';
import { sendDeadLetterCopy } from './consumer/dead-letter';
import { type DeadLetterRecord, peekDeadLetters } from './consumer/peek-dead-letters';
import { type ParkedReport, releaseParked } from './consumer/release-parked';
import { type DeadLetterTake, takeDeadLetters } from './consumer/take-dead-letters';
import { classifyAmqpError } from './errors/classify-amqp-error';
import { ConfirmPublisher } from './publisher/confirm-publisher';
import { JobPublisher, type SendOptions } from './publisher/job-publisher';
import { createQueueFullCheck } from './publisher/queue-full-check';
import { createUnroutableCheck } from './publisher/unroutable-check';
import { DEFAULT_DELAY_TIERS_MS } from './topology/delay-tiers';
import type { QueueSpec } from './topology/queue-arguments';
import { Topology } from './topology/topology';

/** The cluster connection's options (node URLs, strategy, health checks, backoff, TLS) and the broker's own. */
export interface AmqpBrokerOptions extends Omit<ClusterConnectionOptions, 'onEvent'> {
  /** config.queues: type, maxLength (reject-publish), messageTtlMs, maxPriority. */
  queues?: Record<string, QueueSpec>;
  delayTiersMs?: number[];
  /** Delay tier queue type (quorum survives node loss; classic for single-node dev). */
  delayTierType?: 'quorum' | 'classic';
  maxInFlight?: number;
  confirmTimeoutMs?: number;
  /**
   * How often the delay topology (due exchange, parking queue, tiers) is declared again, in case
   * something deleted part of it (default 30 s; 0 = only on connect).
   */
  topologyCheckMs?: number;
  /** How long a publish waits for a reconnection (default 500 ms with several nodes, else 0). */
  waitForConnectionMs?: number;
  prefetch?: number;
  /** Per-queue wire format; default from the queue's `protocol` (warren JSON envelope or Celery v2). */
  codecs?: Record<string, MessageCodec>;
  onEvent?: EventSink;
}

export interface AmqpBroker {
  publisher: Publisher;
  consumer: Consumer;
  connect(): Promise<void>;
  ensureQueue(name: string, spec?: QueueSpec): Promise<void>;
  /**
   * A dead-letter copy of a message of `queue` to `<queue>.dlq`, confirmed (a DLQ deleted under
   * us is declared again, once). `props` from `deadLetterProperties`.
   */
  sendDeadLetter(queue: string, content: Buffer, props: Options.Publish): Promise<void>;
  checkQueue(name: string): Promise<{ messageCount: number; consumerCount: number }>;
  /**
   * Any body and properties to `queue`, confirmed. `declare: false` for queues declared as part of
   * another (`<queue>.dlq`); `dueAt` (epoch ms) routes through the delay tiers.
   */
  publishRaw(
    queue: string,
    body: Buffer | string,
    props?: Options.Publish,
    opts?: SendOptions,
  ): Promise<void>;
  /**
   * The first `max` messages of `<queue>.dlq` with their reasons, left in place; `decode`: with
   * the queue's codec's reading of each body (a Celery codec's `onRefused` hears of unreadable ones).
   */
  peekDeadLetters(queue: string, max?: number, opts?: { decode?: boolean }): Promise<DeadLetterRecord[]>;
  /**
   * Holds the first `max` messages of `<queue>.dlq`, decoded, until `end()`: ack the ones dealt
   * with, the rest go back (`warren dlq replay`).
   */
  takeDeadLetters(queue: string, max: number): Promise<DeadLetterTake>;
  /**
   * The delayed jobs parked in `warren.delay.parked` (their queue was gone when they fell due), by
   * queue; with `release`, those whose queue exists again are sent back to it (`warren parked`).
   */
  parked(opts?: { max?: number; release?: boolean; only?: string }): Promise<ParkedReport>;
  /** Probes every node now (the periodic check does this on its own). */
  checkHealth(): Promise<void>;
  nodes(): readonly { url: string; healthy?: boolean; latencyMs?: number }[];
  currentNode(): string | undefined;
  close(): Promise<void>;
}

/**
 * The RabbitMQ adapter: one cluster connection (a second AMQP connection for consumers, once one
 * consumes), confirms, topology, consumer.
 */
export function createAmqpBroker(opts: AmqpBrokerOptions): AmqpBroker {
  const onEvent: EventSink = opts.onEvent ?? (() => {});
  const conn = new ClusterConnection({ ...opts, onEvent });
  const topology = new Topology(
    opts.queues ?? {},
    opts.delayTiersMs ?? DEFAULT_DELAY_TIERS_MS,
    opts.delayTierType,
    (queue, err) => onEvent({ type: 'topology-error', queue, error: err.message }),
    timeoutMs(opts),
  );
  // An explicit codec wins; else the queue's configured protocol (`celery` speaks Celery v2).
  const codecFor = (queue: string) =>
    opts.codecs?.[queue] ?? (topology.specs.get(queue)?.protocol === 'celery' ? celeryCodec : warrenCodec);
  const confirmTimeoutMs = opts.confirmTimeoutMs ?? 5000;
  const waitForConnectionMs = opts.waitForConnectionMs ?? (opts.urls.length > 1 ? 500 : 0);

  /** The current connection, or a recoverable "not connected" error naming `what` was tried. */
  const connected = (what: string) => {
    const model = conn.current();
    if (!model) throw classifyAmqpError(new Error('not connected'), what);
    return model;
  };

  const checkQueue = async (name: string): Promise<Replies.AssertQueue> => {
    const model = connected(`check queue ${name}`);
    // Also the queue-full check of a nack: a silent broker must not hang that publish.
    return onTempChannel(model, timeoutMs(opts), `check queue ${name}`, (ch) => ch.checkQueue(name)).catch(
      (err) => {
        throw classifyAmqpError(err, `check queue ${name}`);
      },
    );
  };

  const queueUnroutable = createUnroutableCheck(checkQueue);
  const confirm = new ConfirmPublisher(conn, {
    maxInFlight: opts.maxInFlight ?? 1000,
    confirmTimeoutMs,
    waitForConnectionMs,
    onNack: createQueueFullCheck((q) => topology.specs.get(q), checkQueue),
    onChannelError: (err) => topology.repairAfter(err),
    // Through the default exchange: no such queue, or a classic queue whose node is down.
    unroutable: (exchange, queue) =>
      exchange === '' ? queueUnroutable(queue) : topology.unroutable(exchange, queue),
    onEvent: opts.onEvent, // per-confirm latency only when someone listens
  });
  const thaw = new ThawCheck(conn);
  const publisher = new JobPublisher(
    conn,
    topology,
    confirm,
    codecFor,
    { confirmTimeoutMs, waitForConnectionMs },
    thaw,
  );
  const consumer = new AmqpConsumer(
    { conn, topology, publisher, codecFor, onEvent },
    opts.prefetch,
    timeoutMs(opts),
  );
  conn.onConnect((model) => topology.declareAll(model));
  conn.onConnect((model) => bounded(confirm.attach(model), timeoutMs(opts), 'open the publisher channel'));
  // On a connection of their own: see ClusterConnection (a resource alarm blocks publishers).
  conn.onConsumerConnect(consumer.attach);
  const checkEvery = opts.topologyCheckMs ?? 30_000;
  const topologyCheck =
    checkEvery > 0
      ? setInterval(() => void topology.checkDelays().catch(() => {}), checkEvery).unref()
      : undefined;

  // As the consumer reads a message: a codec that throws is an unreadable body, not a failed read.
  const decoderFor = (queue: string) => (m: IncomingMessage) => {
    try {
      return codecFor(queue).decode(m);
    } catch (err) {
      return { ok: false as const, reason: `decode failed: ${(err as Error).message}` };
    }
  };
  // A DLQ read that got no answer moves the connection on; a channel error (no such queue) says why.
  const failedOn = (what: string) => (err: unknown) => {
    if (err instanceof NoAnswerError) conn.failover(); // the connection stopped answering
    throw classifyAmqpError(err, what);
  };

  return {
    publisher,
    consumer,
    connect: () => conn.connect(),
    ensureQueue: (name, spec) => topology.ensure(name, spec),
    sendDeadLetter: (queue, content, props) =>
      sendDeadLetterCopy(
        (q, c, p, o) => publisher.send(q, c, p, o),
        () => topology.redeclare(queue),
        queue,
        content,
        props,
      ),
    checkQueue: async (name) => {
      const r = await checkQueue(name);
      return { messageCount: r.messageCount, consumerCount: r.consumerCount };
    },
    publishRaw: (queue, body, props = {}, opts = {}) =>
      publisher.send(queue, typeof body === 'string' ? Buffer.from(body) : body, { ...props }, opts),
    peekDeadLetters: async (queue, max = 1000, peek = {}) => {
      const model = connected(`peek ${queue}.dlq`);
      const decode = peek.decode ? decoderFor(queue) : undefined;
      return peekDeadLetters(model, queue, max, timeoutMs(opts), decode).catch(failedOn(`peek ${queue}.dlq`));
    },
    takeDeadLetters: async (queue, max) => {
      const model = connected(`take ${queue}.dlq`);
      const decode = decoderFor(queue);
      return takeDeadLetters(model, queue, max, timeoutMs(opts), decode).catch(failedOn(`take ${queue}.dlq`));
    },
    parked: async ({ max = 10_000, release = false, only } = {}) => {
      const model = connected('read the parked delays');
      return releaseParked(model, { max, ms: timeoutMs(opts), release, only }).catch(
        failedOn('read the parked delays'),
      );
    },
    checkHealth: () => conn.checkHealth(),
    nodes: () => conn.nodes,
    currentNode: () => conn.currentNode(),
    close: async () => {
      clearInterval(topologyCheck);
      thaw.stop();
      // A silent broker never answers the cancels and channel closes; the connection is destroyed.
      await bounded(consumer.close(), timeoutMs(opts), 'close the consumers').catch(() => {});
      await confirm.close();
      await conn.close();
    },
  };
}
