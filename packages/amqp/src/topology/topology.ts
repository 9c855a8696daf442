import { TransportError } from '@warren/core';
import type { Channel, ChannelModel } from 'amqplib';
import { answersReads, NoAnswerError, onTempChannel } from '../connection/no-answer';
import { classifyAmqpError } from '../errors/classify-amqp-error';
import {
  DUE_EXCHANGE,
  PARKED_DELAYS_QUEUE,
  queueTierName,
  tierName,
  tierQueueArguments,
} from './delay-tiers';
import { OwnTiers } from './own-tiers';
import { deadLetterQueueArguments, dlqName, type QueueSpec, workQueueArguments } from './queue-arguments';
import { QueueArgumentsMismatchError, queueMismatch } from './queue-mismatch';
import { rebindToDue } from './rebind-to-due';

/**
 * A delayed publish the broker returned (basic.return): the tier's exchange has no queue (its
 * queue deleted by hand or by a policy). Nothing was enqueued; recoverable once declared again.
 */
export class TierUnroutableError extends TransportError {
  /** `refused`: the tier's queue exists with other arguments, so it was never bound (see below). */
  constructor(exchange: string, queue: string, refused?: Error) {
    super(
      refused
        ? `delay tier ${exchange} cannot take the delayed publish to ${queue}: ${refused.message}`
        : `delay tier ${exchange} has no queue (deleted?): declaring it again (publish to ${queue})`,
      true,
    );
  }
}

const isTierExchange = (exchange: string) => exchange.startsWith('warren.delay.');

/**
 * A delay tier is missing: the publish's channel was closed because its exchange does not exist
 * (404), or its exchange had no queue (TierUnroutableError). Either way nothing was enqueued.
 */
export const isMissingTier = (err: unknown): boolean =>
  err instanceof TierUnroutableError ||
  /NOT.FOUND - no exchange 'warren\.delay\./.test((err as Error | undefined)?.message ?? '');

/**
 * Every queue the adapter has declared so far plus the delay tiers. Declared in full on every
 * (re)connection (a new node may have lost classic queues, and a reconnect must never find a
 * queue missing); a queue first seen later is declared once, on demand.
 */
export class Topology {
  readonly specs = new Map<string, QueueSpec>();
  private declared = new Map<string, Promise<void>>();
  /** Queues whose declaration finished on the current connection (lets publish skip an await). */
  private done = new Set<string>();
  private model: ChannelModel | undefined;
  /** A re-declaration of the tiers in progress (a delayed publish waits for it). */
  private tiersRepair: Promise<void> | undefined;
  /** A periodic delay-topology check in progress. */
  private checking = false;
  /**
   * Tiers whose queue exists with other arguments (made by hand or by another version): its
   * declare is refused before the binding, so the tier's exchange returns every delay. Said in
   * the publish's error, which otherwise blamed a deleted queue.
   */
  private readonly refusedTiers = new Map<string, QueueArgumentsMismatchError>();
  /**
   * The node answers but a declare or binding did not (the cluster's metadata store waits for a
   * silent peer): further declarations on this connection are skipped until the next check.
   */
  private stuck = false;
  /** Tiers of queues with a length limit, used so far. */
  private readonly own = new OwnTiers((model, name, ms, report) => this.declareTier(model, name, ms, report));

  constructor(
    queues: Record<string, QueueSpec>,
    readonly tiersMs: readonly number[],
    private readonly tierType: 'quorum' | 'classic' = 'quorum',
    private readonly onError: (queue: string, err: Error) => void = () => {},
    /** Per queue (or tier) declaration: a broker that stops answering must not hang a connect. */
    private readonly timeoutMs = 5000,
  ) {
    for (const [name, spec] of Object.entries(queues)) this.specs.set(name, spec);
  }

  /** The connect hook: tiers, then every known queue with its DLQ. */
  async declareAll(model: ChannelModel): Promise<void> {
    this.model = model;
    this.declared = new Map();
    this.done = new Set();
    this.own.reset();
    this.stuck = false;
    await this.declareTiers(model);
    // One channel per queue: a PRECONDITION_FAILED (queue exists with other arguments) closes
    // only that channel, and the other queues still get declared.
    for (const name of this.specs.keys()) {
      const p = this.declare(model, name);
      this.declared.set(name, p);
      await p.then(
        () => this.done.add(name),
        (err: Error) => {
          this.declared.delete(name);
          if (err instanceof NoAnswerError) throw err; // fail this connect: the next node may answer
          this.onError(name, err);
        },
      );
    }
  }

  /**
   * A publish failed because a tier exchange is gone (404 names `warren.delay.*`, deleted by hand
   * or by a policy): declare the tiers again, so the next delayed publish finds them.
   */
  repairAfter(err: Error): void {
    if (isMissingTier(err)) this.repairTiers();
  }

  /**
   * Why a publish to `exchange` came back unroutable. A delay tier without its queue: the tiers
   * are declared again and the publish may be sent again; else the target queue does not exist.
   */
  unroutable(exchange: string, queue: string): TransportError {
    if (!isTierExchange(exchange))
      return new TransportError(`unroutable: no queue ${queue} (basic.return)`, false);
    this.repairTiers();
    return new TierUnroutableError(exchange, queue, this.refusedTiers.get(exchange));
  }

  private repairTiers(): void {
    const model = this.model;
    if (!model) return;
    if (!this.tiersRepair) {
      const p = this.declareTiers(model)
        .catch((e: Error) => this.onError('delay tiers', e))
        .finally(() => {
          if (this.tiersRepair === p) this.tiersRepair = undefined;
        });
      this.tiersRepair = p;
    }
  }

  /**
   * The tiers a delay for `queue` may go through: all but those whose queue exists with other
   * arguments (refused, so never bound: their exchange returns every delay, and a worker's retry
   * through one was handed back and its attempt run again and again). A delay then goes through
   * another tier (back early from a smaller one) and the consumer sends it on (more hops, on
   * time). All refused: all, and the publish says why it fails.
   */
  usableTiersMs(queue: string): readonly number[] {
    if (this.refusedTiers.size === 0) return this.tiersMs;
    const own = this.maxLength(queue) !== undefined;
    const ok = this.tiersMs.filter(
      (ms) => !this.refusedTiers.has(own ? queueTierName(ms, queue) : tierName(ms)),
    );
    return ok.length > 0 ? ok : this.tiersMs;
  }

  /** Resolves once a tier repair in progress (if any) is done. */
  tiersReady(): Promise<void> {
    return this.tiersRepair ?? Promise.resolve();
  }

  /**
   * Declares `queue` (and its DLQ) on the current connection unless already done; `on`: on that
   * connection instead (a consumer's own, which a resource alarm does not block).
   */
  ensure(queue: string, spec?: QueueSpec, on?: ChannelModel): Promise<void> {
    if (spec) this.specs.set(queue, spec);
    else if (!this.specs.has(queue)) this.specs.set(queue, {});
    let p = this.declared.get(queue);
    if (!p) {
      const model = on ?? this.model;
      if (!model) return Promise.reject(classifyAmqpError(new Error('not connected'), queue));
      p = this.declare(model, queue);
      this.declared.set(queue, p);
      const done = this.done;
      p.then(
        () => done.add(queue),
        () => {},
      );
      // A failed declare is retried by the next caller rather than cached forever.
      p.catch(() => {
        if (this.declared.get(queue) === p) this.declared.delete(queue);
      });
    }
    return p;
  }

  /**
   * Declares `queue` and its DLQ again (one was deleted under us), whatever was declared before;
   * `on` as for `ensure`.
   */
  redeclare(queue: string, on?: ChannelModel): Promise<void> {
    this.declared.delete(queue);
    this.done.delete(queue);
    return this.ensure(queue, undefined, on);
  }

  isDeclared(queue: string): boolean {
    return this.done.has(queue);
  }

  maxLength(queue: string): number | undefined {
    return this.specs.get(queue)?.maxLength;
  }

  /**
   * Whether a delay shorter than the smallest tier may go straight to `queue` with its due time,
   * for the consumer to hold: warren's consumers do; a Celery worker and the SQS bridge read the
   * envelope's notBefore only (a retry's due time is in the header alone), so those go through
   * the tier as before.
   */
  holdsShortDelays(queue: string): boolean {
    const spec = this.specs.get(queue);
    return spec?.protocol !== 'celery' && !spec?.sqs;
  }

  /**
   * The exchange of the `ms` tier for `queue`: the shared one, or (a promise of) its own, declared
   * on first use, when it has a length limit (see queueTierName).
   */
  tierExchange(queue: string, ms: number): string | Promise<string> {
    const model = this.model;
    if (this.maxLength(queue) === undefined || !model) return tierName(ms);
    return this.own.exchange(model, queue, ms);
  }

  /**
   * Declares the delay topology again (the due exchange, the parking queue, the tiers) and binds
   * every declared queue to the due exchange again. Run periodically: deleted by hand, the
   * parking queue made an unroutable delay jam its tier for every queue again, and without the
   * due exchange (or a queue's binding) a classic tier dropped every expired delay (at-most-once
   * dead-lettering), until the next reconnect. Every binding, not only after finding the exchange
   * gone: another process may have declared it again meanwhile, without this one's bindings.
   */
  async checkDelays(): Promise<void> {
    const model = this.model;
    if (!model || this.tiersRepair || this.checking) return;
    this.checking = true; // a slow broker must not stack checks
    this.stuck = false;
    try {
      await this.declareTiers(model, false);
      await rebindToDue(model, [...this.done], this.timeoutMs);
    } finally {
      this.checking = false;
    }
  }

  /** Where expired delays go (DUE_EXCHANGE, its parking queue), then each tier. */
  private async declareTiers(model: ChannelModel, report = true): Promise<void> {
    await this.declareOrReport(model, DUE_EXCHANGE, report, async (ch) => {
      // The exchanges first: the parking queue may exist with the other queue type (a process
      // with classic tiers declared it), which refuses its declaration but not the due exchange.
      await ch.assertExchange(PARKED_DELAYS_QUEUE, 'fanout', { durable: true });
      await ch.assertExchange(DUE_EXCHANGE, 'direct', {
        durable: true,
        alternateExchange: PARKED_DELAYS_QUEUE,
      });
      await ch.assertQueue(PARKED_DELAYS_QUEUE, {
        durable: true,
        arguments: { 'x-queue-type': this.tierType },
      });
      await ch.bindQueue(PARKED_DELAYS_QUEUE, PARKED_DELAYS_QUEUE, '');
    });
    for (const ms of this.tiersMs) await this.declareTier(model, tierName(ms), ms, report);
    await this.own.declareAgain(model, report);
  }

  private declareTier(model: ChannelModel, name: string, ms: number, report: boolean): Promise<void> {
    return this.declareOrReport(model, name, report, async (ch) => {
      await ch.assertExchange(name, 'fanout', { durable: true });
      await ch.assertQueue(name, { durable: true, arguments: tierQueueArguments(ms, this.tierType) });
      await ch.bindQueue(name, name, '');
    });
  }

  /** `report` false: the periodic check, whose refusals the connect already reported. */
  private async declareOrReport(
    model: ChannelModel,
    name: string,
    report: boolean,
    fn: (ch: Channel) => Promise<void>,
  ) {
    if (this.stuck) return; // reported once; the next check or connect declares it again
    try {
      await this.withChannel(model, fn, `declare ${name}`);
      this.refusedTiers.delete(name);
    } catch (err) {
      if (err instanceof NoAnswerError && (await answersReads(model, this.timeoutMs))) {
        this.stuck = true;
        if (report) this.onError(name, stuckError(name, err));
        return;
      }
      const e = queueMismatch(err) ?? classifyAmqpError(err, `declare ${name}`);
      if (e instanceof QueueArgumentsMismatchError && isTierExchange(name)) this.refusedTiers.set(name, e);
      if (e.recoverable) throw e; // the connection is going away: fail this connect
      if (report) this.onError(name, e); // e.g. declared elsewhere with other arguments: report, carry on
    }
  }

  private declare(model: ChannelModel, name: string): Promise<void> {
    const spec = this.specs.get(name) ?? {};
    let args: Record<string, unknown>;
    try {
      args = workQueueArguments(name, spec);
    } catch (err) {
      // A config mistake (e.g. priorities on a quorum queue): retrying cannot help.
      return Promise.reject(new TransportError((err as Error).message, false, { cause: err }));
    }
    return this.withChannel(
      model,
      async (ch) => {
        await ch.assertQueue(dlqName(name), { durable: true, arguments: deadLetterQueueArguments(spec) });
        await ch.assertQueue(name, { durable: true, arguments: args });
      },
      `declare queue ${name}`,
    )
      .catch((err) => {
        throw queueMismatch(err) ?? classifyAmqpError(err, `declare queue ${name}`);
      })
      .then(() =>
        // Its expired delays come back through DUE_EXCHANGE by this binding (see delay-tiers.ts).
        // Without it (the exchange deleted by hand) they are parked, not lost, and the queue still
        // takes jobs: reported, not failed; the next connect declares the exchange again.
        this.declareOrReport(model, `binding ${DUE_EXCHANGE} → ${name}`, true, (ch) =>
          ch.bindQueue(name, DUE_EXCHANGE, name).then(() => {}),
        ),
      );
  }

  private withChannel(model: ChannelModel, fn: (ch: Channel) => Promise<void>, what: string): Promise<void> {
    return onTempChannel(model, this.timeoutMs, what, fn);
  }
}

/**
 * A declaration the node left unanswered while it answers otherwise: reported and skipped (the
 * objects exist unless this is the first connect ever; the periodic check declares them again).
 */
const stuckError = (name: string, err: Error) =>
  new TransportError(
    `declare ${name}: no answer while the node answers reads (${err.message}); a node of the cluster may be unreachable. Left, with the other declarations of this connection, to the next topology check`,
    true,
    { cause: err },
  );
