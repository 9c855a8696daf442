import { StillnessWatch, TransportError } from '@warren/core';
import type { ClusterConnection } from './cluster-connection';
import { bounded, destroySocket } from './no-answer';

export interface ThawCheckOptions {
  /** The event loop stood still this long (frozen, or blocked): check before the next publish. */
  gapMs?: number;
  /** How long the broker has to answer the check before the connection is replaced. */
  probeMs?: number;
  /**
   * How long a publish waits for the new connection at most (within its own timeout). A broker
   * that went down meanwhile must not hold the first request for its whole publish timeout before
   * the next region is tried (before the check, a lost connection failed it at once).
   */
  reconnectMs?: number;
}

/**
 * AWS Lambda freezes an idle function's process for minutes to hours: no heartbeat goes out, so
 * RabbitMQ closes the connection (missed heartbeats) or a NAT forgets it, while the socket stays
 * open on this side. amqplib counts missed heartbeats in timer ticks, so it sees nothing until two
 * intervals after the thaw, and the first publish went out on the dead socket: a 503 at once (the
 * close or a RST came first) or after the whole publish timeout (no answer ever).
 *
 * So when the process stood still past `gapMs` (StillnessWatch: a freeze, or a long block of the
 * event loop, which misses heartbeats too), the next publish first proves the connection answers
 * (a channel open: one round trip), else replaces it and waits for the new one. The message
 * itself goes out once, after the check: nothing can land twice. In the steady state a publish
 * pays one clock read and a compare, no await.
 */
export class ThawCheck {
  private checking: Promise<void> | undefined;
  private readonly still: StillnessWatch;
  private readonly probeMs: number;
  private readonly reconnectMs: number;

  constructor(
    private readonly conn: ClusterConnection,
    opts: ThawCheckOptions = {},
  ) {
    this.still = new StillnessWatch(opts.gapMs ?? 2000);
    this.probeMs = opts.probeMs ?? 1000;
    this.reconnectMs = opts.reconnectMs ?? 2000;
  }

  /** Whether a publish now must wait for `verify` first. */
  due(): boolean {
    return this.still.stoodStill();
  }

  /**
   * Resolves once the connection answered, or was replaced, or `waitMs` passed (the publish then
   * fails as it would have). Concurrent publishes share one check.
   */
  verify(waitMs: number): Promise<void> {
    this.checking ??= this.run(Date.now() + waitMs).finally(() => {
      this.checking = undefined;
      this.still.clear();
    });
    return this.checking;
  }

  stop(): void {
    this.still.stop();
  }

  private async run(deadline: number): Promise<void> {
    const model = this.conn.current();
    if (model) {
      const ok = await bounded(
        model.createChannel(),
        Math.min(this.probeMs, deadline - Date.now()),
        'thaw check',
      )
        .then((ch) => {
          ch.on('error', () => {});
          ch.close().catch(() => {});
          return true;
        })
        .catch(() => false);
      if (ok) return;
      // No answer (a forgotten flow drops every packet): end the socket; the reconnect follows.
      if (this.conn.current() === model) {
        // The loss reaches the cluster connection a tick later: wait for it, not for the old model.
        const gone = new Promise((resolve) => model.once('close', resolve));
        destroySocket(
          model,
          new TransportError('no answer on the connection after the process stood still', true),
        );
        await bounded(gone, deadline - Date.now(), 'thaw check').catch(() => {});
      }
    }
    // Lost (closed while frozen, or by the check): the reconnect has begun; wait for it.
    await this.conn.waitConnected(Math.min(deadline - Date.now(), this.reconnectMs));
  }
}
