import { type DeliveryHandler, holdUntil } from '@warren/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { MessageCodec } from '../codec';
import type { ClusterConnection } from '../connection/cluster-connection';
import type { EventSink } from '../connection/events';
import { answersReads, bounded, NoAnswerError } from '../connection/no-answer';
import { classifyAmqpError } from '../errors/classify-amqp-error';
import type { JobPublisher } from '../publisher/job-publisher';
import { pickTier } from '../topology/delay-tiers';
import type { Topology } from '../topology/topology';
import { AmqpDelivery, type DeliveryHost, deadLetterMessage } from './amqp-delivery';
import { ChannelAcks } from './channel-acks';
import { dueAt, republishProperties } from './dead-letter';
import { holdsInsteadOfHop } from './hold-until-due';
import { restartDelayMs } from './restart-delay';

export interface SubscriptionDeps {
  conn: ClusterConnection;
  topology: Topology;
  publisher: JobPublisher;
  codecFor(queue: string): MessageCodec;
  onEvent: EventSink;
}

/**
 * One `consume()` call: its own channel (so prefetch and cancel are per subscription), started
 * again on every reconnection and after a server-side cancel. Manual acks; every outcome that
 * moves a message elsewhere (retry, dead-letter, early arrival from a delay tier) publishes with
 * confirm first and acks the original after: a crash in between duplicates, never loses.
 */
export class QueueSubscription {
  private channel: Channel | undefined;
  private acks: ChannelAcks | undefined;
  private tag: string | undefined;
  private open = true;
  private inFlight = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private hostRef: DeliveryHost | undefined;
  /** Tier publishes failed in a row (the pause before handing such a message back grows). */
  private hopFailures = 0;
  /** Restarts since the last consume the broker accepted (the pause before the next one grows). */
  private restarts = 0;
  /** The pause before the restart now scheduled. */
  private restartDelay = 0;
  /** Since when the broker has had no consumer of ours here (Subscription.idleSince). */
  private downSince: number | undefined = Date.now();

  constructor(
    readonly queue: string,
    private readonly handler: DeliveryHandler,
    private readonly prefetch: number,
    private readonly deps: SubscriptionDeps,
    /** Per start (first, on reconnect, restart): a broker that stops answering must not hang it. */
    private readonly timeoutMs = 5000,
  ) {}

  /**
   * `redeclare`: declare the queue again first, even if it was declared on this connection. A
   * restart does: the broker cancels a consumer when its queue is deleted (by an operator, to
   * empty it), and a consume on the cached declaration failed with 404 forever, every 30 s,
   * while the worker looked up. Celery's worker declares the queue on each consume too.
   */
  async start(model: ChannelModel, redeclare = false): Promise<void> {
    try {
      await bounded(this.subscribe(model, redeclare), this.timeoutMs, `consume ${this.queue}`);
    } catch (err) {
      // The node answers, only not this consume (a quorum queue whose leader's node is stopped,
      // until the cluster gives up on it): the connection serves the other queues, so it stays.
      // A consume still waited for completes when the broker answers; else the restart tries again.
      if (err instanceof NoAnswerError && (await answersReads(model, this.timeoutMs))) {
        this.deps.onEvent({
          type: 'consumer-error',
          queue: this.queue,
          error: `consume ${this.queue}: no answer while the node answers reads (${err.message}); waiting for the broker`,
        });
        if (!this.channel) this.scheduleRestart();
        return;
      }
      // The current connection stopped answering: drop it (during a connect, the failed hook does).
      if (err instanceof NoAnswerError && this.deps.conn.consumerModel() === model) this.deps.conn.failover();
      else if (classifyAmqpError(err).recoverable) this.scheduleRestart();
      throw err;
    }
  }

  private async subscribe(model: ChannelModel, redeclare: boolean): Promise<void> {
    if (!this.open || this.channel) return;
    const { topology } = this.deps;
    // On the consumers' connection: the publishing one may be blocked by a resource alarm (it
    // reads nothing then), which left a restart during the alarm unanswered until it cleared.
    await (redeclare ? topology.redeclare(this.queue, model) : topology.ensure(this.queue, undefined, model));
    const ch = await model.createChannel();
    ch.on('error', (err: Error) =>
      this.deps.onEvent({ type: 'consumer-error', queue: this.queue, error: err.message }),
    );
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.channel = undefined;
      this.downSince ??= Date.now();
      // Connection still up (channel error, queue gone): try again here; else the connect hook does.
      this.scheduleRestart();
    });
    await ch.prefetch(this.prefetch);
    this.channel = ch;
    const acks = new ChannelAcks(ch);
    this.acks = acks;
    const { consumerTag } = await ch.consume(
      this.queue,
      (msg) => {
        if (msg) {
          acks.delivered(msg.fields.deliveryTag);
          // Closed meanwhile (a consume that was under way, or sent before the cancel): not ours.
          if (!this.open) acks.tryNack(msg.fields.deliveryTag, true);
          else void this.onMessage(acks, msg);
        } else {
          // Server-side cancel (queue deleted, its node gone): drop this channel and resubscribe.
          this.deps.onEvent({
            type: 'consumer-error',
            queue: this.queue,
            error: 'consumer cancelled by broker',
          });
          this.downSince ??= Date.now();
          void this.closeChannel();
          this.scheduleRestart();
        }
      },
      { noAck: false },
    );
    this.tag = consumerTag;
    // close() came while this start was under way (after a cancel or a reconnection): it found
    // no channel to close, and this consumer went on delivering to a closed subscription.
    if (!this.open) return this.closeChannel();
    this.restarts = 0;
    this.downSince = undefined;
  }

  /** See Subscription.idleSince: a worker's health reads it. */
  idleSince(): number | undefined {
    return this.open ? this.downSince : undefined;
  }

  async close(): Promise<void> {
    this.open = false;
    clearTimeout(this.restartTimer);
    const ch = this.channel;
    if (!ch) return;
    // Bounded like every wait on a reply: a silent node would hold a worker's stop() forever (the
    // connection's own bounded close deals with the socket).
    if (this.tag) await bounded(ch.cancel(this.tag), this.timeoutMs, `cancel ${this.queue}`).catch(() => {});
    // Deliveries already handed out may still settle; the channel closes when the last one does.
    if (this.inFlight === 0) await this.closeChannel();
  }

  private async closeChannel(): Promise<void> {
    const ch = this.channel;
    this.channel = undefined;
    this.acks?.flush(); // the last acks of the turn go out before the close
    if (ch) await bounded(ch.close(), this.timeoutMs, `close ${this.queue}`).catch(() => {});
  }

  private scheduleRestart(): void {
    if (!this.open || this.restartTimer) return;
    const delayMs = restartDelayMs(this.restarts++);
    this.restartDelay = delayMs;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.open || this.channel) return;
      // On the connection of now, not the one it was asked on: a restart pending when that one
      // was lost did nothing when it came, and had kept the new connection's failed consume (its
      // queue's node down) from scheduling its own: that queue was never tried again.
      const model = this.deps.conn.consumerModel();
      if (!model) return this.scheduleRestart(); // reconnecting: the connect hook may start it first
      this.start(model, true).catch((err) => {
        this.scheduleRestart();
        // Said on each try: a queue declared again elsewhere with other arguments (406), or a
        // permission gone (403), left the worker consuming nothing and logging nothing.
        if (this.restartTimer)
          this.deps.onEvent({
            type: 'consumer-error',
            queue: this.queue,
            error: `consume failed: ${(err as Error).message}; retrying in ${this.restartDelay / 1000} s`,
          });
      });
    }, delayMs);
  }

  /** One per subscription, shared by its deliveries. */
  private host(): DeliveryHost {
    this.hostRef ??= {
      queue: this.queue,
      publisher: this.deps.publisher,
      codec: this.deps.codecFor(this.queue),
      onEvent: this.deps.onEvent,
      settled: () => this.settled(),
      redeclare: () => this.deps.topology.redeclare(this.queue),
    };
    return this.hostRef;
  }

  private settled(): void {
    this.inFlight--;
    if (!this.open && this.inFlight === 0) void this.closeChannel();
  }

  private async onMessage(acks: ChannelAcks, msg: ConsumeMessage): Promise<void> {
    this.inFlight++;
    let decoded: ReturnType<MessageCodec['decode']>;
    try {
      decoded = this.deps.codecFor(this.queue).decode({ content: msg.content, properties: msg.properties });
    } catch (err) {
      decoded = { ok: false, reason: `decode failed: ${(err as Error).message}` };
    }
    if (!decoded.ok) {
      await this.moveToDlq(acks, msg, decoded.reason).finally(() => this.settled());
      return;
    }
    const due = dueAt(msg, decoded.job.notBefore);
    if (due > Date.now()) {
      if (!holdsInsteadOfHop(this.deps.topology.tiersMs, due - Date.now())) {
        await this.hop(acks, msg, due).finally(() => this.settled());
        return;
      }
      await holdUntil(due); // nearly due: a tier hop would make it up to that tier late
    }
    const delivery = new AmqpDelivery(
      this.host(),
      acks,
      msg,
      decoded.job,
      decoded.attempt ?? decoded.job.attempt,
    );
    try {
      await this.handler(delivery);
    } catch {
      if (!delivery.isSettled()) await delivery.release().catch(() => {});
    }
  }

  /** Came back from a delay tier still early (a long delay cascades): through the next tier. */
  private async hop(acks: ChannelAcks, msg: ConsumeMessage, due: number): Promise<void> {
    try {
      await this.deps.publisher.send(this.queue, msg.content, republishProperties(msg), { dueAt: due });
      this.deps.onEvent({
        type: 'delay-hop',
        queue: this.queue,
        tierMs: pickTier(this.deps.topology.tiersMs, due - Date.now()),
      });
      acks.ack(msg.fields.deliveryTag);
      this.hopFailures = 0;
    } catch {
      // Requeued at once, the message would come straight back and fail again (a tier deleted by
      // hand, a length policy on it): hold it for a pause that grows with each failure in a row.
      this.hopFailures++;
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** (this.hopFailures - 1))));
      acks.tryNack(msg.fields.deliveryTag, true);
    }
  }

  /** Never a crash loop: an unreadable message leaves the queue for `<queue>.dlq` with its reason. */
  private async moveToDlq(acks: ChannelAcks, msg: ConsumeMessage, reason: string): Promise<void> {
    // A copy that was not confirmed has been rejected without requeue (the queue's DLX moves it),
    // or handed back after a pause when the DLQ is missing and cannot be declared.
    await deadLetterMessage(this.host(), acks, msg, reason).catch(() => {});
  }
}
