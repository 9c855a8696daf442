import { QueueFullError, TransportError } from '@warren/core';
import type { ChannelModel, Message, Options } from 'amqplib';
import type { ClusterConnection } from '../connection/cluster-connection';
import type { EventSink } from '../connection/events';
import { bounded } from '../connection/no-answer';
import { classifyAmqpError } from '../errors/classify-amqp-error';
import { channelCloseError } from './channel-close-error';
import { ChannelReady } from './channel-ready';
import { ConfirmSweeper } from './confirm-sweeper';
import { InFlightWindow } from './in-flight-window';
import type { ChannelState, Pending } from './pending-publish';
import { settleUnconfirmed } from './settle-unconfirmed';
import { TagWindow } from './tag-window';

export interface ConfirmPublisherOptions {
  maxInFlight: number;
  confirmTimeoutMs: number;
  /** How long a publish waits for a (re)connection before failing (0 = fail at once). */
  waitForConnectionMs: number;
  /** Called on a nack: the queue-full verdict (or a plain recoverable error). */
  onNack: (queue: string) => Promise<TransportError>;
  /** A channel error closed the publisher channel (e.g. a deleted exchange: topology repairs it). */
  onChannelError?: (err: Error) => void;
  /** The error for a publish the broker returned (default: no queue, not recoverable). */
  unroutable?: (exchange: string, queue: string) => TransportError | Promise<TransportError>;
  onEvent?: EventSink;
}

/** After this many nacks in a row on one channel (queue not full), the channel is replaced. */
const WEDGED_NACKS = 100;
let seq = 0;
const fallbackId = () => `warren-${process.pid}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

/**
 * Publishes on one ConfirmChannel per connection. A publish resolves on the broker's ack only;
 * it rejects on nack, on basic.return (mandatory: unroutable), on the confirm timeout and when the
 * channel/connection dies before the ack. Up to `maxInFlight` publishes are outstanding at once
 * (pipelined, never one round trip per job); the next publish waits for a free slot.
 * Confirms are matched by delivery tag from the channel's ack/nack events (multiple acks settle a
 * range), so the hot path allocates no callback per message.
 */
export class ConfirmPublisher {
  private state: ChannelState | undefined;
  private readonly live = new Set<ChannelState>();
  private readonly returned = new Set<string>();
  private readonly window: InFlightWindow;
  private readonly sweeper: ConfirmSweeper;
  private closed = false;
  private wedges = 0;
  /** Connections whose 'close' is already watched (one listener per connection, not per channel). */
  private readonly watched = new WeakSet<ChannelModel>();
  private readonly closedModels = new WeakSet<ChannelModel>();
  private readonly channelReady = new ChannelReady();

  constructor(
    private readonly conn: ClusterConnection,
    private readonly opts: ConfirmPublisherOptions,
  ) {
    this.window = new InFlightWindow(opts.maxInFlight);
    this.sweeper = new ConfirmSweeper(
      this.live,
      this.window,
      (p, e) => this.fail(p, e),
      (st) => this.silent(st),
    );
  }

  /** Connect hook: a fresh confirm channel on the new connection. */
  readonly attach = async (model: ChannelModel): Promise<void> => {
    if (this.closed) return; // a hook still running at close must not leave a channel behind
    const ch = await model.createConfirmChannel();
    if (this.closed) {
      await ch.close().catch(() => {});
      return;
    }
    const st: ChannelState = { ch, unconfirmed: new TagWindow(), nacksInRow: 0, heard: 0, silent: false };
    if (!this.watched.has(model)) {
      this.watched.add(model);
      model.once('close', () => this.closedModels.add(model));
    }
    const modelClosed = () => this.closedModels.has(model);
    // 'close' follows; the error says which publish broke the channel.
    let closeErr: Error | undefined;
    ch.on('error', (err: Error) => {
      closeErr = err;
      this.opts.onChannelError?.(err);
    });
    ch.on('return', (msg: Message) => {
      st.heard++;
      const id = msg.properties.messageId as string | undefined;
      if (id) this.returned.add(id);
    });
    ch.on('ack', (f: { deliveryTag: number; multiple: boolean }) => this.confirmed(st, f, undefined));
    ch.on('nack', (f: { deliveryTag: number; multiple: boolean }) => this.confirmed(st, f, 'nack'));
    ch.on('close', () => {
      if (this.state === st) this.state = undefined;
      this.live.delete(st);
      // Closed by a channel-level error (e.g. a publish to an exchange someone deleted) while the
      // connection lives on: open a new one; on a connection loss the connect hook does it.
      if (!this.closed && !modelClosed()) this.reopen(model, modelClosed, 50);
      for (const p of st.unconfirmed.values()) {
        this.window.release();
        this.fail(p, channelCloseError(closeErr, p.exchange, p.queue, p.size));
      }
      st.unconfirmed.clear();
    });
    this.live.add(st);
    this.state = st;
    this.channelReady.ready();
  };

  /**
   * Opens a channel again on a connection that lives on, retrying (backoff up to 2 s) while that
   * fails: before, one failed reopen left the publisher without a channel until the connection died.
   */
  private reopen(model: ChannelModel, modelClosed: () => boolean, ms: number): void {
    setTimeout(() => {
      if (this.closed || modelClosed() || this.state) return;
      this.attach(model).catch(() => this.reopen(model, modelClosed, Math.min(ms * 2, 2000)));
    }, ms).unref?.();
  }

  inFlight(): number {
    return this.window.used;
  }

  /** Note: sets `messageId`, `persistent` and `mandatory` on `properties` (pass a fresh object). */
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Options.Publish,
    queue: string,
    timeoutMs = this.opts.confirmTimeoutMs,
  ): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('publisher is closed', false));
    // Written to a blocked connection, it would land after the alarm, long after being reported failed.
    const blocked = this.conn.blocked();
    if (blocked !== undefined)
      return Promise.reject(new TransportError(`broker blocked: ${blocked} (publishing to ${queue})`, true));
    const deadline = Date.now() + timeoutMs;
    // Hot path: connected and a free slot: no extra promise hop before the frame is written.
    const st = this.state;
    if (st && this.window.tryAcquire())
      return this.send(st, exchange, routingKey, content, properties, queue, deadline);
    return this.publishSlow(exchange, routingKey, content, properties, queue, deadline);
  }

  /**
   * Resolves once every publish sent so far was confirmed or failed, or after the confirm timeout
   * (a blocked broker must not hang a drain or a close).
   */
  async drain(): Promise<void> {
    const st = this.state;
    if (st && st.unconfirmed.size > 0)
      await bounded(st.ch.waitForConfirms(), this.opts.confirmTimeoutMs, 'drain').catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sweeper.stop();
    this.channelReady.ready();
    this.window.close(new TransportError('publisher is closed', false));
    const st = this.state;
    this.state = undefined;
    const ms = this.opts.confirmTimeoutMs;
    const answered = await settleUnconfirmed(this.live, ms, (p, e) => this.fail(p, e));
    if (!st) return;
    const closing = st.ch.close();
    // A channel that left confirms unanswered will not answer its close either; the connection's
    // close follows (and destroys the socket if that goes unanswered too).
    if (answered) await bounded(closing, ms, 'close the publisher channel').catch(() => {});
    else closing.catch(() => {});
  }

  private async publishSlow(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Options.Publish,
    queue: string,
    deadline: number,
  ): Promise<void> {
    await this.window.acquire(deadline);
    let st = this.state;
    if (!st) {
      const waitMs = Math.min(this.opts.waitForConnectionMs, deadline - Date.now());
      if (waitMs > 0 && (await this.conn.waitConnected(waitMs))) st = this.state;
      // Connected but the channel is being reopened after a channel error: wait for it (before:
      // 100 ms at most, then "not connected", though a loaded broker takes longer to reopen).
      while (!st && !this.closed && this.conn.current() && deadline > Date.now()) {
        await this.channelReady.wait(deadline - Date.now());
        st = this.state;
      }
      if (!st) {
        this.window.release();
        const why = this.conn.current()
          ? `the publisher channel was not reopened in time after a channel error`
          : `not connected to any RabbitMQ node`;
        throw new TransportError(`${why} (publishing to ${queue})`, true);
      }
    }
    return this.send(st, exchange, routingKey, content, properties, queue, deadline);
  }

  /** Writes the message (slot already held); the ack/nack/close handlers settle it. */
  private send(
    st: ChannelState,
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Options.Publish,
    queue: string,
    deadline: number,
  ): Promise<void> {
    // The adapter owns persistence and mandatory (unroutable → basic.return → error). Set in place
    // (callers pass a fresh object): a spread copy per message cost ~8% of the publish path's CPU
    // in amqplib's option reads and GC.
    if (properties.messageId === undefined) properties.messageId = fallbackId();
    if (properties.persistent !== true) properties.persistent = true;
    if (properties.mandatory !== true) properties.mandatory = true;
    const messageId = properties.messageId as string;
    return new Promise<void>((resolve, reject) => {
      const p: Pending = {
        exchange,
        queue,
        messageId,
        size: content.length,
        t0: this.opts.onEvent ? performance.now() : 0,
        deadline,
        heard: st.heard,
        done: false,
        resolve,
        reject,
      };
      try {
        st.ch.publish(exchange, routingKey, content, properties);
      } catch (err) {
        // Nothing was written (closed channel, oversized headers): the tag was not used.
        this.window.release();
        reject(classifyAmqpError(err, `publish to ${queue}`));
        return;
      }
      st.unconfirmed.push(p);
      this.sweeper.start();
    });
  }

  private confirmed(st: ChannelState, f: { deliveryTag: number; multiple: boolean }, nack?: 'nack'): void {
    st.heard++;
    if (f.multiple) st.unconfirmed.takeUpTo(f.deliveryTag, (p) => this.settle(st, p, nack));
    else {
      const p = st.unconfirmed.take(f.deliveryTag);
      if (p) this.settle(st, p, nack);
    }
  }

  private settle(st: ChannelState, p: Pending, nack?: 'nack'): void {
    this.window.release();
    if (nack) {
      this.opts.onNack(p.queue).then(
        (e) => {
          if (!(e instanceof QueueFullError)) this.nacked(st);
          this.fail(p, e);
        },
        (e) => this.fail(p, e),
      );
      return;
    }
    st.nacksInRow = 0;
    this.wedges = 0;
    if (this.returned.size > 0 && this.returned.delete(p.messageId)) {
      const unroutable =
        this.opts.unroutable?.(p.exchange, p.queue) ??
        new TransportError(`unroutable: no queue ${p.queue} (basic.return)`, false);
      if (unroutable instanceof Promise)
        unroutable.then(
          (e) => this.fail(p, e),
          (e: Error) => this.fail(p, e),
        );
      else this.fail(p, unroutable);
      return;
    }
    if (p.done) return;
    p.done = true;
    this.opts.onEvent?.({ type: 'confirm', queue: p.queue, ms: performance.now() - p.t0 });
    p.resolve();
  }

  /**
   * Seen on RabbitMQ 3.10 after a kill -9 in a cluster: a channel's quorum-queue client keeps
   * nacking every publish although the queue has a leader and a majority (a fresh channel does
   * not). So a channel that only nacks is replaced; if its successor does the same, the whole
   * connection moves to another node.
   */
  private nacked(st: ChannelState): void {
    if (++st.nacksInRow !== WEDGED_NACKS) return;
    this.wedges++;
    this.opts.onEvent?.({
      type: 'publisher-channel-replaced',
      reason: `${WEDGED_NACKS} nacks in a row`,
      failover: this.wedges >= 2,
    });
    if (this.wedges >= 2) {
      this.wedges = 0;
      this.conn.failover();
    } else st.ch.close().catch(() => {});
  }

  private fail(p: Pending, err: Error): void {
    // A return whose ack never came (timeout, channel closed) must not fail a later publish of the id.
    if (this.returned.size > 0) this.returned.delete(p.messageId);
    if (p.done) return;
    p.done = true;
    p.reject(err);
  }

  /**
   * Nothing came back on the channel for a whole publish timeout: the node stopped answering (see
   * ConfirmSweeper), so the connection moves to another node. Not while blocked: a resource alarm
   * is silent by design and cluster-wide, another node would not help.
   */
  private silent(st: ChannelState): void {
    if (st.silent || this.state !== st || this.conn.blocked() !== undefined) return;
    st.silent = true;
    this.opts.onEvent?.({
      type: 'publisher-channel-replaced',
      reason: 'confirms unanswered',
      failover: true,
    });
    this.conn.failover(true);
  }
}
