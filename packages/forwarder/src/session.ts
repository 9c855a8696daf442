import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { AckTracker } from './ack-tracker';
import { closeQuietly, connectFirst, HEARTBEAT_S } from './connect';
import { DeadLetterQueue } from './dead-letter';
import { LagProbe } from './lag-probe';
import { ProgressWatchdog } from './progress-watchdog';
import { type HopContext, prepareHop } from './provenance';
import { keepRawProperties } from './raw-receive';
import { redactUrl } from './redact';
import { failureEnd, type SessionEnd } from './session-end';
import type { OpenSink, Sink } from './sink';
import { SourceAcks } from './source-acks';
import { takeLease } from './source-lease';
import type { LinkSpec } from './types';

/** Counters a session reports into its link's status. */
export interface SessionHooks {
  running(route: string): void;
  confirmed(): void;
  deadLettered(reason: string): void;
  acked(count: number): void;
  lag(depth: number): void;
  warn(message: string): void;
}

/**
 * One connected attempt of a link: source connection (exclusive consumer = the lease), sink, ack
 * tracking, watchdog and lag probe. Any error ends the session; the link then starts a new one, and
 * RabbitMQ redelivers whatever was unacked (at-least-once, duplicates bounded by the prefetch).
 */
export class Session {
  readonly tracker = new AckTracker();
  progressed = false;
  /** The source queue does not exist: nothing to forward until someone declares it. */
  sourceMissing = false;
  private conn?: ChannelModel;
  private ch?: ConfirmChannel;
  private sink?: Sink;
  private consumerTag?: string;
  private readonly held = new Map<number, ConsumeMessage>();
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private readonly acks = new SourceAcks(this.tracker, {
    acked: (count) => {
      this.watchdog?.progressed();
      this.progressed = true;
      this.hooks.acked(count);
    },
    failed: (err) => this.fail(err, 'source ack'),
  });
  private watchdog?: ProgressWatchdog;
  private dlq?: DeadLetterQueue;
  private finished?: SessionEnd;
  private tornDown = false;
  private destinationBlocked = false;
  /** The source blocked this connection (an alarm, after a dead-letter copy was published on it). */
  private sourceBlocked = false;
  private resolveEnd!: (e: SessionEnd) => void;
  readonly ended = new Promise<SessionEnd>((r) => {
    this.resolveEnd = r;
  });

  /** One hop context per session, `now` updated per message (no object per message). */
  private readonly ctx: HopContext;

  constructor(
    private readonly spec: LinkSpec,
    private readonly openSink: OpenSink,
    hop: Omit<HopContext, 'now'>,
    private readonly hooks: SessionHooks,
  ) {
    this.ctx = { ...hop, now: 0 };
  }

  end(e: SessionEnd): void {
    if (this.finished) return;
    this.finished = e;
    this.resolveEnd(e);
  }

  private fail = (err: unknown, where: string): void => {
    this.end(failureEnd(err, where, this.spec.name, this.spec.source.queue));
  };

  /**
   * Resolves when the session ends, not when it started: a start that hangs (a peer that accepts
   * connections and never answers) ends after `startTimeoutMs`, and stop()/drain() can end it sooner.
   */
  run(): Promise<SessionEnd> {
    const ms = this.spec.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => this.fail(new Error(`not started within ${ms} ms`), 'start'), ms);
    this.timers.push(timer); // cleared at teardown too: a stopped session must not hold the process
    this.open().then(
      () => clearTimeout(timer),
      (err) => {
        clearTimeout(timer);
        this.fail(err, 'start');
      },
    );
    return this.ended;
  }

  private async open(): Promise<void> {
    const { source } = this.spec;
    // This connection holds the lease: a frozen holder must lose it in seconds, whatever the URL says.
    const { conn, url } = await connectFirst(source.urls, 'source', { maxHeartbeatS: HEARTBEAT_S });
    this.conn = conn;
    // open() may outlive its session (start timeout, stop): whatever it gets after teardown it closes.
    if (this.tornDown) return closeQuietly(conn);
    conn.on('error', (err: Error) => this.fail(err, 'source connection'));
    conn.on('close', () => this.fail(new Error('closed'), 'source connection'));
    // Dead-letter copies are publishes on this connection: under a memory or disk alarm the source
    // then stops reading it (no acks, no close). A restart left it open, still holding the lease,
    // and the new session waited in standby behind it ('another instance holds the lease') until
    // the alarm cleared, then sent every confirmed message again. Waited out instead, as the
    // destination's alarm is.
    conn.on('blocked', (reason: string) => {
      this.sourceBlocked = true;
      this.hooks.warn(`source blocked: ${reason} (dead-letter copies and acks wait for it)`);
    });
    conn.on('unblocked', () => {
      this.sourceBlocked = false;
    });
    const ch = await conn.createConfirmChannel();
    this.ch = ch;
    this.acks.channel = ch;
    ch.on('error', (err: Error) => this.fail(err, 'source channel'));
    ch.on('close', () => this.fail(new Error('closed'), 'source channel'));
    this.dlq = new DeadLetterQueue(conn, ch, source.queue, this.spec.name, source.type);
    await ch.checkQueue(source.queue).catch((err: { code?: number }) => {
      this.sourceMissing = err.code === 404; // the link says so (the channel's close event ends us first)
      throw err;
    });
    await takeLease(ch, this.spec.name);
    const sink = await this.openSink({
      confirmed: (tag) => this.settle(tag, true),
      rejected: (tag, reason) => this.deadLetter(tag, reason),
      failed: (err) => this.fail(err, 'destination'),
      warn: (m) => this.hooks.warn(m),
      blocked: (b) => {
        this.destinationBlocked = b;
      },
    });
    this.sink = sink;
    if (this.tornDown) return sink.close();
    if (this.finished) return;
    // Deliveries keep their property bytes when the sink can publish them as they are.
    this.ctx.raw = this.sink.rawProperties === true && keepRawProperties(conn, ch);
    await ch.prefetch(this.spec.prefetch ?? 1000);
    const ok = await ch.consume(source.queue, (msg) => this.onMessage(msg), { exclusive: true });
    this.consumerTag = ok.consumerTag;
    if (this.finished) return; // ended while starting: no timers for a session being torn down
    const watchdogMs = this.spec.watchdogMs ?? 30_000;
    const watchdog = new ProgressWatchdog(
      watchdogMs,
      // A blocked destination or source (alarm) is waited out: a restart left the old connection
      // open with its publishes (it reads no close either) and met the same alarm on the new one.
      () => (this.destinationBlocked || this.sourceBlocked ? 0 : this.tracker.inFlight),
      (err) => this.fail(err, 'watchdog'),
    );
    this.watchdog = watchdog;
    this.timers.push(setInterval(() => watchdog.check(), Math.min(1000, watchdogMs / 4)));
    const lagEvery = this.spec.lagIntervalMs ?? 5000;
    const lag = new LagProbe(conn, source.queue, (depth) => this.hooks.lag(depth));
    void lag.probe();
    this.timers.push(setInterval(() => void lag.probe(), lagEvery));
    this.hooks.running(`${redactUrl(url)} queue ${source.queue} → ${this.sink.description}`);
  }

  private onMessage(msg: ConsumeMessage | null): void {
    if (this.finished) return;
    if (!msg) {
      this.fail(new Error('consumer cancelled by the broker (queue deleted?)'), 'source');
      return;
    }
    const tag = msg.fields.deliveryTag;
    this.tracker.track(tag);
    this.held.set(tag, msg);
    this.ctx.now = Date.now();
    const p = prepareHop(msg.content, msg.properties, this.ctx);
    if (!p.ok) {
      this.deadLetter(tag, p.reason);
      return;
    }
    this.sink!.send({
      tag,
      content: p.content,
      options: p.options,
      rawProps: p.rawProps,
      routingKey: msg.fields.routingKey,
      jobId: p.jobId,
    });
  }

  private settle(tag: number, forwarded: boolean): void {
    if (!this.held.delete(tag)) return;
    this.tracker.settle(tag);
    if (forwarded) this.hooks.confirmed();
    // A session ended by an error acks what it settled one by one at teardown (ackSettled).
    if (this.finished && this.finished.kind !== 'stopped') return;
    this.acks.schedule();
  }

  /** Copies the message to `<queue>.dlq` on the source with `x-warren-reason`; acked once that is stored. */
  private deadLetter(tag: number, reason: string): void {
    const msg = this.held.get(tag);
    const dlq = this.dlq;
    if (!msg || !dlq) return;
    dlq.send(msg, reason).then(
      () => {
        this.hooks.deadLettered(reason);
        this.settle(tag, false);
      },
      (err) => this.fail(err, `dead-letter to ${dlq.name}`),
    );
  }

  /** Graceful end: stop consuming, wait (bounded) for in-flight messages to be confirmed and acked. */
  async drain(settleMs: number): Promise<void> {
    if (this.finished) return;
    const until = Date.now() + settleMs;
    // Bounded by the settle time too: a source that stopped reading this connection (blocked by an
    // alarm after a dead-letter copy, or frozen) never answers the cancel, and stop() hung with it.
    if (this.consumerTag && this.ch) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.ch.cancel(this.consumerTag).catch(() => {}),
        new Promise((r) => {
          timer = setTimeout(r, settleMs);
        }),
      ]);
      clearTimeout(timer);
    }
    while (!this.finished && this.tracker.inFlight > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.end({ kind: 'stopped' });
  }

  async teardown(): Promise<void> {
    this.tornDown = true;
    for (const t of this.timers) clearInterval(t);
    await this.sink?.close(); // no confirms after this
    this.acks.ackSettled();
    // Closing the channel first sends its last acks ahead of the close (measured: a connection close
    // right after acks on a channel lost them, and the broker requeued those messages).
    await closeQuietly(this.ch);
    await closeQuietly(this.conn);
  }
}
