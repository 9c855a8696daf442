import { backoffDelay } from '@warren/core';
import { amqpSink } from './amqp-sink';
import { redactUrl, regionFromUrl } from './redact';
import { sameBroker } from './same-broker';
import { Session } from './session';
import type { OpenSink } from './sink';
import { sqsSink } from './sqs-sink';
import type { LinkSpec, LinkStatus } from './types';

export interface LinkOptions {
  /** Replaces the sink built from `spec.destination` (tests, custom SQS client). */
  openSink?: OpenSink;
  /** Restarts (the link failed) come at `warn`; running and standby at `info`. */
  log?: (message: string, level?: 'info' | 'warn') => void;
}

/**
 * A long-lived link: runs sessions one after the other, forever, until stopped. A session that
 * fails (either side lost, watchdog, unroutable) is torn down and a new one starts after an
 * exponential backoff with full jitter, reset as soon as a session makes progress. A session that
 * finds the exclusive consumer taken waits in `standby` and retries: one active instance per link.
 */
export class ForwardLink {
  readonly name: string;
  private readonly st: LinkStatus;
  private session?: Session;
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly openSink: OpenSink;
  private readonly from: string;
  private readonly to: string;

  constructor(
    readonly spec: LinkSpec,
    private readonly opts: LinkOptions = {},
  ) {
    this.name = spec.name;
    // basic.qos carries a 16-bit count: a larger one failed every session's start, for ever.
    const p = spec.prefetch;
    if (p !== undefined && !(Number.isInteger(p) && p >= 1 && p <= 65_535))
      throw new Error(`link ${spec.name}: prefetch must be an integer from 1 to 65535, got ${p}`);
    const d = spec.destination;
    // A queue forwarded into itself (two regions given one broker, say): each job would go round
    // until the hop limit dead-letters it, none left for the workers.
    if (d.kind === 'amqp' && d.queue === spec.source.queue) {
      const url = d.urls.find((u) => spec.source.urls.some((s) => sameBroker(s, u)));
      if (url)
        throw new Error(
          `link ${spec.name}: its destination is its source (queue ${d.queue} on ${redactUrl(url)}): nothing to forward`,
        );
    }
    this.st = {
      name: spec.name,
      source: `${redactUrl(spec.source.urls[0] ?? '')} queue ${spec.source.queue}`,
      destination:
        d.kind === 'sqs'
          ? `sqs ${d.queueUrl}`
          : `${redactUrl(d.urls[0] ?? '')} ${d.queue ? `queue ${d.queue}` : `exchange ${d.exchange}`}`,
      state: 'stopped',
      forwarded: 0,
      deadLettered: 0,
      inFlight: 0,
      restarts: 0,
    };
    this.openSink = opts.openSink ?? (d.kind === 'amqp' ? amqpSink(d) : sqsSink(d));
    this.from = spec.source.region ?? regionFromUrl(spec.source.urls[0]);
    this.to = d.region ?? (d.kind === 'amqp' ? regionFromUrl(d.urls[0]) : this.from);
  }

  start(): void {
    this.stopping = false;
    this.loop ??= this.run().finally(() => {
      this.loop = undefined;
    });
  }

  /** Stops consuming, settles in-flight messages for up to `settleMs`, then closes both sides. */
  async stop(settleMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.session) {
      this.st.state = 'draining';
      await this.session.drain(settleMs);
    }
    await this.loop;
  }

  status(): LinkStatus {
    return { ...this.st, inFlight: this.session?.tracker.inFlight ?? 0 };
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      // Retrying while its source queue is missing is waiting, not a failing link: it stays idle.
      this.st.state = this.st.sourceMissing ? 'idle' : 'starting';
      const s = new Session(
        this.spec,
        this.openSink,
        { link: this.name, from: this.from, to: this.to },
        {
          running: (route) => {
            this.st.state = 'running';
            this.st.standby = undefined;
            this.st.sourceMissing = undefined;
            this.st.route = route;
            this.opts.log?.(`link ${this.name}: running ${route}`, 'info');
          },
          confirmed: () => {
            this.st.forwarded++;
          },
          deadLettered: (reason) => {
            this.st.deadLettered++;
            this.st.lastDeadLetter = reason;
          },
          acked: () => {
            this.st.lastProgressAt = new Date().toISOString();
          },
          lag: (n) => {
            this.st.lag = n;
          },
          warn: (m) => this.setError(m),
        },
      );
      this.session = s;
      const end = await s.run();
      await s.teardown();
      this.session = undefined;
      if (this.stopping || end.kind === 'stopped') break;
      if (end.kind === 'standby') {
        const retryMs = this.spec.standbyRetryMs ?? 2000;
        // Logged when entering standby (or its reason changes), not on every retry; cleared once running.
        if (this.st.standby !== end.error.message) {
          this.opts.log?.(
            `link ${this.name}: standby: ${end.error.message}; retrying every ${retryMs} ms`,
            'info',
          );
        }
        this.st.state = 'standby';
        this.st.standby = end.error.message;
        await this.sleep(retryMs);
        continue;
      }
      const stillMissing = s.sourceMissing && this.st.sourceMissing === true;
      this.st.sourceMissing = s.sourceMissing || undefined;
      this.setError(
        s.sourceMissing
          ? `source queue ${this.spec.source.queue} does not exist (nothing to forward until it is declared)`
          : end.error.message,
      );
      // A missing source queue is no failure (see below): counted, a healthy region's link showed
      // a restart at every retry, for ever, on warren_forwarder_restarts_total.
      if (!s.sourceMissing) this.st.restarts++;
      attempt = s.progressed ? 1 : attempt + 1;
      const delay = Math.max(
        50,
        backoffDelay(
          {
            kind: 'exponential',
            baseMs: this.spec.backoffBaseMs ?? 250,
            maxMs: this.spec.backoffMaxMs ?? 15_000,
            jitter: true,
          },
          attempt,
        ),
      );
      this.st.state = s.sourceMissing ? 'idle' : 'backoff';
      // A missing source queue is the usual state of a region where that queue gets no jobs: said
      // once, at info, not as a warning every retry (cleared once it runs).
      if (s.sourceMissing) {
        if (!stillMissing) this.opts.log?.(`link ${this.name}: ${this.st.lastError}; retrying`, 'info');
      } else this.opts.log?.(`link ${this.name}: ${this.st.lastError}; restarting in ${delay} ms`, 'warn');
      await this.sleep(delay);
    }
    this.st.state = 'stopped';
  }

  private setError(message: string): void {
    this.st.lastError = message;
    this.st.lastErrorAt = new Date().toISOString();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
