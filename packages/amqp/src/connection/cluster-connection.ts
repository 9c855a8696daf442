import { TransportError } from '@warren/core';
import type { ChannelModel } from 'amqplib';
import { createPicker, type NodePicker, type NodeState, type StrategyName } from '../strategies/node-picker';
import { BlockedState } from './blocked-state';
import type { EventSink } from './events';
import { probeNode } from './health-check';
import { closeOrDestroy, destroySocket } from './no-answer';
import { NodeErrors } from './node-errors';
import { redactUrl } from './node-urls';
import { openConnection } from './open-connection';

export interface ClusterConnectionOptions {
  /** One cluster's node URLs (amqp:// or amqps://). */
  urls: string[];
  weights?: number[];
  strategy?: StrategyName;
  heartbeatS?: number;
  connectTimeoutMs?: number;
  /** Every node is probed this often (0 = never); the health-based strategy reads the results. */
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  /** Backoff between rounds over all nodes: initial, doubling, capped, with jitter. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** TLS options for amqps:// (ca, cert, key, servername, rejectUnauthorized). */
  socketOptions?: Record<string, unknown>;
  /** TCP_NODELAY on every connection (see OpenOptions.noDelay; default off). */
  noDelay?: boolean;
  onEvent?: EventSink;
}

/** Runs on every (re)connection, in registration order: topology, publisher channel; then consumers. */
export type ConnectHook = (model: ChannelModel) => Promise<void>;

/** Bounds the connect, each reply a connect hook waits for (NoAnswerError), and a close. */
export const timeoutMs = (o: { connectTimeoutMs?: number }) => o.connectTimeoutMs ?? 5000;

/**
 * One logical connection to a cluster: knows every node, picks one by strategy, health-checks
 * them all, and on loss reconnects to another node at once (then with backoff once a whole round
 * failed), re-running the hooks so topology and consumers exist again on the new node.
 *
 * Consumers get an AMQP connection of their own to the same node, opened once something consumes
 * (a publish-only process keeps one): under a resource alarm RabbitMQ stops reading a connection
 * that publishes, its acks included, so a worker that published a retry (or the health check's
 * poke) stopped acking, its prefetch stayed full and the queue could not drain. The two are one
 * unit: made on the same node in the same round, and the loss of either drops both.
 */
export class ClusterConnection {
  readonly nodes: NodeState[];
  private readonly picker: NodePicker;
  private readonly errors: NodeErrors;
  private readonly blockedState = new BlockedState();
  private model: ChannelModel | undefined;
  private index: number | undefined;
  private readonly hooks: ConnectHook[] = [];
  private readonly consumerHooks: ConnectHook[] = [];
  /** The consumers' connection (never publishes, so an alarm never blocks it). */
  private consumeModel: ChannelModel | undefined;
  private wantsConsumer = false;
  private openingConsumer: Promise<ChannelModel | undefined> | undefined;
  /** The last generation whose loss was handled (either connection's close reports it). */
  private lostGeneration = 0;
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private connecting: Promise<boolean> | undefined;
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the current connection was made, and how many in a row were lost young (see `lost`). */
  private connectedAt = 0;
  private flaps = 0;
  /** Bumped on every new connection so stale callbacks can tell they are stale. */
  generation = 0;

  constructor(private readonly opts: ClusterConnectionOptions) {
    if (opts.urls.length === 0) throw new Error('createAmqpBroker: no node URLs');
    this.nodes = opts.urls.map((url, i) => ({ url, weight: opts.weights?.[i] ?? 1 }));
    this.picker = createPicker(opts.strategy ?? 'round-robin');
    this.errors = new NodeErrors(opts.urls);
  }

  onConnect(hook: ConnectHook): void {
    this.hooks.push(hook);
  }

  /** Runs on every consumers' connection made with a (re)connection, after the `onConnect` hooks. */
  onConsumerConnect(hook: ConnectHook): void {
    this.consumerHooks.push(hook);
  }

  /** The consumers' connection, if connected and one was opened. */
  consumerModel(): ChannelModel | undefined {
    return this.model ? this.consumeModel : undefined;
  }

  /**
   * The consumers' connection, opened to the current node on first use (no hooks: nothing
   * consumed before). undefined while not connected: every later connection opens it and runs
   * the consumer hooks. One that cannot be opened drops the pair, so both are made again.
   */
  async consumerConnection(): Promise<ChannelModel | undefined> {
    this.wantsConsumer = true;
    if (!this.model || this.consumeModel || this.index === undefined) return this.consumerModel();
    this.openingConsumer ??= this.openConsumer(this.index, this.generation)
      .catch(() => {
        this.failover();
        return undefined;
      })
      .finally(() => {
        this.openingConsumer = undefined;
      });
    return this.openingConsumer;
  }

  /** The node currently connected to (redacted URL). */
  currentNode(): string | undefined {
    return this.model && this.index !== undefined ? redactUrl(this.nodes[this.index]!.url) : undefined;
  }

  current(): ChannelModel | undefined {
    return this.model;
  }

  /** Why the current connection is blocked (broker resource alarm), or undefined. */
  blocked(): string | undefined {
    return this.model ? this.blockedState.reason : undefined;
  }

  /**
   * First connection: one round over all nodes; rejects (and keeps retrying in the background)
   * with the refusal when every node refused (credentials, vhost: not recoverable), else with
   * each node's last cause.
   */
  async connect(): Promise<void> {
    if (this.model) return;
    this.startHealthChecks();
    const ok = await (this.connecting ?? this.startRound(undefined));
    if (!ok && !this.model) {
      if (this.closed) throw new TransportError('amqp connection closed while connecting', false);
      this.scheduleReconnect(1);
      throw this.errors.summary();
    }
  }

  /** Resolves when connected (hooks done), or false after `ms`. */
  waitConnected(ms: number): Promise<boolean> {
    if (this.model) return Promise.resolve(true);
    if (ms <= 0 || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve(this.model !== undefined);
      };
      const t = setTimeout(done, ms);
      t.unref?.();
      this.waiters.add(done);
    });
  }

  /**
   * Probes every node once (connect + a cheap op, with timeout) and records the results; the
   * current node is unhealthy while its connection is blocked.
   */
  async checkHealth(): Promise<void> {
    if (this.model) this.blockedState.poke(this.model);
    await Promise.all(
      this.nodes.map(async (n, i) => {
        const probed = await probeNode(n.url, this.openOptions(this.opts.healthTimeoutMs ?? 2000));
        const blocked = i === this.index ? this.blocked() : undefined;
        const r =
          blocked === undefined ? probed : { ...probed, ok: false, error: `broker blocked: ${blocked}` };
        n.healthy = r.ok;
        n.checkedAt = Date.now();
        if (r.ok) n.latencyMs = r.latencyMs;
        this.opts.onEvent?.({
          type: 'health',
          node: redactUrl(n.url),
          healthy: r.ok,
          latencyMs: r.ok ? r.latencyMs : undefined,
          error: r.error,
        });
      }),
    );
  }

  /** Picks the next node the way a reconnect would (exposed for strategy tests). */
  pickNode(exclude?: ReadonlySet<number>): number {
    return this.picker.pick(this.nodes, exclude);
  }

  /**
   * Drops the current connection so the reconnect logic moves to another node. `silent`: nothing
   * came back on it for a whole publish timeout, so its socket is ended at once; a graceful close
   * would wait out its own timeout (connectTimeoutMs) for a close-ok that will not come, with
   * every publish meanwhile failing 'Connection closing' (5 s of 15 in a 3-node cluster probe).
   */
  failover(silent = false): void {
    if (!this.model) return;
    if (silent)
      destroySocket(
        this.model,
        new TransportError('nothing came back for a whole publish timeout: the node stopped answering', true),
      );
    else void closeOrDestroy(this.model, timeoutMs(this.opts));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.healthTimer);
    clearTimeout(this.retryTimer);
    for (const w of [...this.waiters]) w();
    const models = [this.model, this.consumeModel];
    this.model = undefined;
    this.consumeModel = undefined;
    await Promise.all(models.map((m) => m && closeOrDestroy(m, timeoutMs(this.opts))));
  }

  /** A second connection to node `i` for the consumers, lost together with the publishing one. */
  private async openConsumer(i: number, generation: number): Promise<ChannelModel> {
    const opts = { ...this.openOptions(timeoutMs(this.opts)), connectionName: 'warren consumers' };
    const m = await openConnection(this.nodes[i]!.url, opts);
    if (generation !== this.generation || this.lostGeneration === generation || this.closed) {
      await closeOrDestroy(m, timeoutMs(this.opts));
      throw new TransportError("connection lost while opening the consumers' connection", true);
    }
    m.on('close', (err?: Error) => this.lost(generation, i, err));
    this.consumeModel = m;
    return m;
  }

  private openOptions(timeoutMs: number) {
    return {
      heartbeatS: this.opts.heartbeatS ?? 10,
      timeoutMs,
      socketOptions: this.opts.socketOptions,
      noDelay: this.opts.noDelay,
    };
  }

  private startHealthChecks(): void {
    const every = this.opts.healthIntervalMs ?? 10_000;
    if (every <= 0 || this.healthTimer || this.closed) return;
    this.healthTimer = setInterval(() => void this.checkHealth().catch(() => {}), every);
    this.healthTimer.unref?.();
  }

  /** Tries each node once, in strategy order; true once one accepted and the hooks ran. */
  private async round(skip?: number): Promise<boolean> {
    const tried = new Set<number>(skip !== undefined && this.nodes.length > 1 ? [skip] : []);
    while (tried.size < this.nodes.length && !this.closed) {
      const i = this.picker.pick(this.nodes, tried);
      tried.add(i);
      if (await this.tryNode(i)) return true;
    }
    // Everything else failed: the skipped node is worth one more try before backing off.
    if (skip !== undefined && this.nodes.length > 1 && !this.closed) return this.tryNode(skip);
    return false;
  }

  private async tryNode(i: number): Promise<boolean> {
    const node = this.nodes[i]!;
    const t0 = performance.now();
    let model: ChannelModel;
    try {
      model = await openConnection(node.url, this.openOptions(timeoutMs(this.opts)));
    } catch (err) {
      node.healthy = false;
      node.checkedAt = Date.now();
      this.errors.record(i, err);
      this.opts.onEvent?.({
        type: 'connect-failed',
        node: redactUrl(node.url),
        error: (err as Error).message,
      });
      return false;
    }
    if (this.closed) {
      await closeOrDestroy(model, timeoutMs(this.opts));
      return false;
    }
    const generation = ++this.generation;
    this.blockedState.reset();
    model.on('blocked', (reason: string) => {
      if (generation === this.generation) this.blockedState.reason = reason;
      this.opts.onEvent?.({ type: 'blocked', node: redactUrl(node.url), reason });
    });
    model.on('unblocked', () => {
      if (generation === this.generation) this.blockedState.reset();
      this.opts.onEvent?.({ type: 'unblocked', node: redactUrl(node.url) });
    });
    model.on('close', (err?: Error) => this.lost(generation, i, err));
    try {
      for (const hook of this.hooks) await hook(model);
      if (this.wantsConsumer) {
        const consumers = await this.openConsumer(i, generation);
        for (const hook of this.consumerHooks) await hook(consumers);
      }
    } catch (err) {
      // A hook that cannot run (the node is going away mid-setup) counts as a failed connect.
      this.errors.record(i, err);
      this.opts.onEvent?.({
        type: 'connect-failed',
        node: redactUrl(node.url),
        error: (err as Error).message,
      });
      await this.closeBoth(model, generation);
      return false;
    }
    if (generation !== this.generation || this.lostGeneration === generation || this.closed) {
      // Closed, superseded or lost while the hooks ran: nobody will ever use or close this one.
      await this.closeBoth(model, generation);
      return false;
    }
    node.healthy = true;
    this.errors.clear(i);
    this.model = model;
    this.index = i;
    this.connectedAt = Date.now();
    this.opts.onEvent?.({ type: 'connected', node: redactUrl(node.url), ms: performance.now() - t0 });
    for (const w of [...this.waiters]) w();
    return true;
  }

  /** Closes a connection being set up and the consumers' one made with it, if any. */
  private async closeBoth(model: ChannelModel, generation: number): Promise<void> {
    const consumers = generation === this.generation ? this.consumeModel : undefined;
    if (consumers) this.consumeModel = undefined;
    await Promise.all([model, consumers].map((m) => m && closeOrDestroy(m, timeoutMs(this.opts))));
  }

  private lost(generation: number, i: number, err?: Error): void {
    if (generation !== this.generation || this.lostGeneration === generation) return;
    this.lostGeneration = generation;
    const wasCurrent = this.model !== undefined;
    // Either connection lost drops the other: the reconnect makes both again, on one node.
    const other = [this.model, this.consumeModel];
    this.model = undefined;
    this.consumeModel = undefined;
    this.index = undefined;
    for (const m of other) if (m) void closeOrDestroy(m, timeoutMs(this.opts));
    if (this.closed) return;
    if (wasCurrent)
      this.opts.onEvent?.({ type: 'disconnected', node: redactUrl(this.nodes[i]!.url), error: err?.message });
    this.nodes[i]!.healthy = false;
    if (!wasCurrent) {
      this.reconnect(i, 0);
      return;
    }
    // A connection lost before it lived one longest backoff (a node, or a balancer in front, that
    // accepts and then drops every connection) was a failed attempt, not a recovery: the backoff
    // goes on from there. Before, every such loss reconnected at once, ~20 times a second, each
    // time declaring the whole topology again. A connection that lived longer is replaced at once.
    this.errors.record(i, err ?? new Error('connection lost'));
    const young = Date.now() - this.connectedAt < (this.opts.backoffMaxMs ?? 5000);
    this.flaps = young ? this.flaps + 1 : 0;
    if (this.flaps === 0) this.reconnect(i, 0);
    else this.scheduleReconnect(this.flaps, i);
  }

  private reconnect(failed: number | undefined, attempt: number): void {
    if (this.closed || this.connecting) return;
    this.startRound(failed).then((ok) => {
      if (!ok && !this.model) this.scheduleReconnect(attempt + 1);
    });
  }

  private startRound(skip: number | undefined): Promise<boolean> {
    const p: Promise<boolean> = this.round(skip).finally(() => {
      if (this.connecting === p) this.connecting = undefined;
    });
    this.connecting = p;
    return p;
  }

  /** `skip`: the node just lost, tried last in that round. */
  private scheduleReconnect(attempt: number, skip?: number): void {
    if (this.closed || this.retryTimer) return;
    const maxMs = this.opts.backoffMaxMs ?? 5000;
    // Every node refused the login/vhost: keep trying (it may be fixed) but never hammer the broker.
    const refused = this.errors.refused();
    const base = refused
      ? maxMs
      : Math.min(maxMs, (this.opts.backoffInitialMs ?? 100) * 2 ** Math.min(attempt - 1, 16));
    const delayMs = Math.round(base * (0.5 + Math.random() / 2));
    const error = this.errors.summary().message;
    this.opts.onEvent?.({ type: 'reconnect-scheduled', delayMs, attempt, error });
    // Not unref'd: a worker waiting for its broker must stay alive; close() clears it.
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.model) this.reconnect(skip, attempt);
    }, delayMs);
  }
}
