import {
  type JobEnvelope,
  type Publisher,
  type PublishOptions,
  QueueFullError,
  TransportError,
} from '@warren/core';
import type { Options } from 'amqplib';
import type { MessageCodec } from '../codec';
import type { ClusterConnection } from '../connection/cluster-connection';
import { bounded, NoAnswerError } from '../connection/no-answer';
import type { ThawCheck } from '../connection/thaw-check';
import { holdsInsteadOfHop } from '../consumer/hold-until-due';
import { DUE_HEADER, pickTier } from '../topology/delay-tiers';
import { isMissingTier, type Topology } from '../topology/topology';
import type { ConfirmPublisher } from './confirm-publisher';

/** A missing tier is being declared again: a later publish may succeed (404 is otherwise fatal). */
const missingTierRecoverable = (err: Error): Error =>
  isMissingTier(err) && err instanceof TransportError && !err.recoverable
    ? new TransportError(err.message, true, { cause: err })
    : err;

export interface SendOptions extends PublishOptions {
  /** Absolute due time (epoch ms) for a message that already carries one (delay-tier hops). */
  dueAt?: number;
  /** false for queues declared as part of another (`<queue>.dlq`). */
  declare?: boolean;
}

/**
 * The Publisher port: encode with the queue's codec, declare the queue on first use, publish
 * with confirm. A delayed job goes to the delay tier's fanout exchange with routing key = its
 * queue and its due time in a header; the tier dead-letters it back to that queue.
 */
export class JobPublisher implements Publisher {
  constructor(
    private readonly conn: ClusterConnection,
    private readonly topology: Topology,
    private readonly confirm: ConfirmPublisher,
    private readonly codecFor: (queue: string) => MessageCodec,
    private readonly defaults: { confirmTimeoutMs: number; waitForConnectionMs: number },
    private readonly thaw?: ThawCheck,
  ) {}

  publish(queue: string, job: JobEnvelope, opts: PublishOptions = {}): Promise<void> {
    let encoded: ReturnType<MessageCodec['encode']>;
    try {
      encoded = this.codecFor(queue).encode(job);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.send(queue, encoded.content, encoded.properties, opts);
  }

  /** Any body and properties to `queue` (raw/poison publishes, codecs that pre-encode, hops). */
  send(queue: string, content: Buffer, properties: Options.Publish, opts: SendOptions = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? this.defaults.confirmTimeoutMs;
    // After the process stood still (a Lambda thaw): is the connection alive? (see ThawCheck)
    if (this.thaw?.due()) {
      const t0 = Date.now();
      return this.thaw
        .verify(timeoutMs)
        .then(() => this.sendNow(queue, content, properties, opts, timeoutMs - (Date.now() - t0)));
    }
    return this.sendNow(queue, content, properties, opts, timeoutMs);
  }

  private sendNow(
    queue: string,
    content: Buffer,
    properties: Options.Publish,
    opts: SendOptions,
    timeoutMs: number,
  ): Promise<void> {
    const delayed = opts.dueAt !== undefined || (opts.delayMs !== undefined && opts.delayMs > 0);
    // Hot path: connected, queue already declared, no delay: straight to the confirm channel.
    if (!delayed && this.conn.current() && (opts.declare === false || this.topology.isDeclared(queue)))
      return this.confirm.publish('', queue, content, properties, queue, timeoutMs);
    return this.sendSlow(queue, content, properties, opts, timeoutMs);
  }

  private async sendSlow(
    queue: string,
    content: Buffer,
    properties: Options.Publish,
    opts: SendOptions,
    timeoutMs: number,
  ): Promise<void> {
    // One deadline for the whole publish: the wait for a connection, the declare and the confirm
    // share `timeoutMs` (the ingest's publishTimeoutMs), so a failover comes within it. Each step
    // given a fresh timeoutMs, a far region (100 ms each way) whose confirm never came was left
    // after 3.5 s against a 2 s timeout: the declare's round trips came on top.
    const deadline = Date.now() + timeoutMs;
    if (!this.conn.current()) {
      await this.conn.waitConnected(Math.min(this.defaults.waitForConnectionMs, timeoutMs));
    }
    if (opts.declare !== false) await bounded(this.declare(queue), deadline - Date.now(), `declare ${queue}`);
    const now = Date.now();
    const dueAt = opts.dueAt ?? (opts.delayMs && opts.delayMs > 0 ? now + opts.delayMs : undefined);
    if (dueAt !== undefined && dueAt > now) {
      const props = { ...properties, headers: { ...properties.headers, [DUE_HEADER]: dueAt } };
      // Shorter than the smallest tier, through which it ran up to that tier late (delayMs 1:
      // 259 ms): straight to the queue, whose consumer holds it until due. Never a hop (dueAt):
      // a consumer that hops rather than holds would get it straight back.
      const { tiersMs } = this.topology;
      if (
        opts.dueAt === undefined &&
        holdsInsteadOfHop(tiersMs, dueAt - now) &&
        this.topology.holdsShortDelays(queue)
      )
        return this.confirm
          .publish('', queue, content, props, queue, deadline - Date.now())
          .catch((err: Error) => {
            // At its maxLength: a delayed job waits outside the queue for room (its tier), as a
            // longer delay and the in-memory broker's do. Refused, a delayed enqueue was a 429
            // and a short-backoff retry failed. Nothing was enqueued: a fresh properties object.
            if (!(err instanceof QueueFullError) || Date.now() >= deadline) throw err;
            return this.viaTier(queue, content, { ...props }, dueAt, dueAt - Date.now(), deadline);
          });
      return this.viaTier(queue, content, props, dueAt, dueAt - now, deadline);
    }
    return this.confirm.publish('', queue, content, properties, queue, deadline - Date.now());
  }

  /** Through the delay tier for `remainingMs` (the delay as asked: see sendDelayed). */
  private viaTier(
    queue: string,
    content: Buffer,
    props: Options.Publish,
    dueAt: number,
    remainingMs: number,
    deadline: number,
  ): Promise<void> {
    return this.sendDelayed(queue, content, props, remainingMs, deadline - Date.now()).catch((err: Error) => {
      // The tier was missing (its exchange or its queue deleted by hand): nothing was enqueued
      // and the topology is declaring the tiers again; send once more (a fresh properties
      // object, the id the first attempt set kept), within the first attempt's timeout.
      if (!isMissingTier(err) || Date.now() >= deadline) throw missingTierRecoverable(err);
      const left = dueAt - Date.now();
      return this.sendDelayed(queue, content, { ...props }, left, deadline - Date.now()).catch((e: Error) => {
        throw missingTierRecoverable(e);
      });
    });
  }

  private async sendDelayed(
    queue: string,
    content: Buffer,
    props: Options.Publish,
    remainingMs: number,
    timeoutMs: number,
  ): Promise<void> {
    // The tier from the delay as asked, not re-read after the await: a clock tick there made a
    // 1,000 ms retry 999 ms, so it went through the 250 ms tier and came back early three times.
    const tier = pickTier(this.topology.usableTiersMs(queue), remainingMs);
    // A tier deleted under us is being declared again; a limited queue's own tier on first use.
    const deadline = Date.now() + timeoutMs;
    await bounded(this.topology.tiersReady(), timeoutMs, 'declare the delay tiers');
    const tierExchange = this.topology.tierExchange(queue, tier);
    const exchange =
      typeof tierExchange === 'string'
        ? tierExchange
        : await bounded(tierExchange, deadline - Date.now(), `declare the delay tier of ${queue}`);
    return this.confirm.publish(exchange, queue, content, props, queue, deadline - Date.now());
  }

  /** The topology's own bound ran out: the connection stopped answering, so drop it (failover). */
  private declare(queue: string): Promise<void> {
    return this.topology.ensure(queue).catch((err) => {
      if (err instanceof NoAnswerError) this.conn.failover();
      throw err;
    });
  }

  /** Waits for outstanding confirms; the channel stays (the broker's consumer retries use it too). */
  async close(): Promise<void> {
    await this.confirm.drain();
  }
}
