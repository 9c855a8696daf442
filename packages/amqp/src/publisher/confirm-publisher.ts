import { TransportError } from '@warren/core';
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { ClusterConnection } from '../connection/cluster-connection';
import type { EventSink } from '../connection/events';
import { classifyAmqpError } from '../errors/classify-amqp-error';
import { InFlightWindow } from './in-flight-window';

export interface ConfirmPublisherOptions {
  maxInFlight: number;
  confirmTimeoutMs: number;
  /** How long a publish waits for a (re)connection before failing (0 = fail at once). */
  waitForConnectionMs: number;
  /** Called on a nack: the queue-full verdict (or a plain recoverable error). */
  onNack: (queue: string) => Promise<TransportError>;
  onEvent?: EventSink;
}

interface Pending {
  queue: string;
  messageId: string;
  t0: number;
  deadline: number;
  done: boolean;
  resolve(): void;
  reject(err: Error): void;
}

let seq = 0;
const fallbackId = () => `warren-${process.pid}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

/**
 * Publishes on one ConfirmChannel per connection. A publish resolves on the broker's ack only;
 * it rejects on nack, on basic.return (mandatory: unroutable), on the confirm timeout and when the
 * channel/connection dies before the ack. Up to `maxInFlight` publishes are outstanding at once
 * (pipelined, never one round trip per job); the next publish waits for a free slot.
 */
export class ConfirmPublisher {
  private channel: ConfirmChannel | undefined;
  private readonly pending = new Set<Pending>();
  private readonly returned = new Set<string>();
  private readonly window: InFlightWindow;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly conn: ClusterConnection,
    private readonly opts: ConfirmPublisherOptions,
  ) {
    this.window = new InFlightWindow(opts.maxInFlight);
  }

  /** Connect hook: a fresh confirm channel on the new connection. */
  readonly attach = async (model: ChannelModel): Promise<void> => {
    const ch = await model.createConfirmChannel();
    const mine = new Set<Pending>();
    ch.on('error', () => {}); // 'close' follows
    ch.on('return', (msg: Message) => {
      const id = msg.properties.messageId as string | undefined;
      if (id) this.returned.add(id);
    });
    ch.on('close', () => {
      if (this.channel === ch) this.channel = undefined;
      // amqplib calls back every unconfirmed publish with 'channel closed'; this is a backstop.
      for (const p of mine) {
        mine.delete(p);
        this.pending.delete(p);
        this.window.release();
        this.fail(p, new TransportError('connection lost before the broker confirmed', true));
      }
    });
    (ch as ConfirmChannel & { warrenPending?: Set<Pending> }).warrenPending = mine;
    this.channel = ch;
  };

  inFlight(): number {
    return this.window.used;
  }

  async publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Options.Publish,
    queue: string,
    timeoutMs = this.opts.confirmTimeoutMs,
  ): Promise<void> {
    if (this.closed) throw new TransportError('publisher is closed', false);
    const deadline = Date.now() + timeoutMs;
    await this.window.acquire(deadline);
    let ch = this.channel;
    if (!ch) {
      const waitMs = Math.min(this.opts.waitForConnectionMs, deadline - Date.now());
      if (waitMs > 0 && (await this.conn.waitConnected(waitMs))) ch = this.channel;
      if (!ch) {
        this.window.release();
        throw new TransportError(`not connected to any RabbitMQ node (publishing to ${queue})`, true);
      }
    }
    const messageId = (properties.messageId as string | undefined) ?? fallbackId();
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { queue, messageId, t0: performance.now(), deadline, done: false, resolve, reject };
      const mine = (ch as ConfirmChannel & { warrenPending: Set<Pending> }).warrenPending;
      this.pending.add(p);
      mine.add(p);
      this.startSweeper();
      const settled = (err: unknown) => {
        if (!mine.delete(p)) return; // already failed by the close backstop
        this.pending.delete(p);
        this.window.release();
        if (err) {
          if ((err as Error).message === 'message nacked')
            this.opts.onNack(queue).then(
              (e) => this.fail(p, e),
              (e) => this.fail(p, e),
            );
          else this.fail(p, classifyAmqpError(err, `publish to ${queue}`));
          return;
        }
        if (this.returned.delete(messageId)) {
          this.fail(p, new TransportError(`unroutable: no queue ${queue} (basic.return)`, false));
          return;
        }
        if (!p.done) {
          p.done = true;
          this.opts.onEvent?.({ type: 'confirm', queue, ms: performance.now() - p.t0 });
          resolve();
        }
      };
      try {
        ch.publish(exchange, routingKey, content, { ...properties, messageId, mandatory: true }, settled);
      } catch (err) {
        settled(err);
      }
    });
  }

  /** Resolves once every publish sent so far was confirmed or failed. */
  async drain(): Promise<void> {
    await this.channel?.waitForConfirms().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.window.close(new TransportError('publisher is closed', false));
    const ch = this.channel;
    this.channel = undefined;
    if (ch && this.pending.size > 0) await ch.waitForConfirms().catch(() => {});
    await ch?.close().catch(() => {});
  }

  private fail(p: Pending, err: Error): void {
    if (p.done) return;
    p.done = true;
    p.reject(err);
  }

  /** One timer for all outstanding publishes (not one per publish): rejects those past their deadline. */
  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const p of this.pending)
        if (!p.done && now >= p.deadline)
          this.fail(
            p,
            new TransportError(`no confirm from the broker within the timeout (queue ${p.queue})`, true),
          );
      this.window.expire(now);
      if (this.pending.size === 0 && this.window.waiting() === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, 50);
    this.sweeper.unref?.();
  }
}
