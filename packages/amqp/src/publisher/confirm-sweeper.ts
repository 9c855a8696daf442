import { TransportError } from '@warren/core';
import type { InFlightWindow } from './in-flight-window';
import type { ChannelState, Pending } from './pending-publish';

/**
 * One timer for every outstanding publish (not one per publish): fails those past their deadline.
 * A publish that timed out with nothing at all back on its channel since it was sent (no ack, nack
 * or return), and still nothing at the next sweep, means the node stopped answering while TCP and
 * heartbeats live on; `onSilent` then moves the connection away, else every later publish would
 * time out on that node too.
 */
export class ConfirmSweeper {
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Channels with an unanswered timeout at the last sweep, and their `heard` then. */
  private readonly suspects = new Map<ChannelState, number>();

  constructor(
    private readonly live: ReadonlySet<ChannelState>,
    private readonly window: InFlightWindow,
    private readonly fail: (p: Pending, err: Error) => void,
    private readonly onSilent: (st: ChannelState) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(Date.now()), 50);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.suspects.clear();
  }

  private sweep(now: number): void {
    // Silent only if still nothing a sweep later: after a long event-loop block the timers run
    // before the socket's buffered confirms are read, so the first look can miss answers.
    for (const [st, heard] of this.suspects) if (st.heard === heard && this.live.has(st)) this.onSilent(st);
    this.suspects.clear();
    let left = 0;
    for (const st of this.live) {
      left += st.unconfirmed.size;
      let silent = false;
      for (const p of st.unconfirmed.values()) {
        if (p.done || now < p.deadline) continue;
        const unanswered = p.heard === st.heard;
        silent ||= unanswered;
        const why = unanswered ? ': nothing came back on the channel since it was sent' : '';
        this.fail(
          p,
          new TransportError(`no confirm from the broker within the timeout (queue ${p.queue})${why}`, true),
        );
      }
      if (silent) this.suspects.set(st, st.heard);
    }
    this.window.expire(now);
    if (left === 0 && this.window.waiting() === 0) this.stop();
  }
}
