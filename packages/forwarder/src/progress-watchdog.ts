/**
 * Ends a session that holds unacked messages without progress for `limitMs` (a destination that
 * stopped confirming without closing anything): the link restarts and the broker redelivers them.
 */
export class ProgressWatchdog {
  private last = Date.now();

  constructor(
    private readonly limitMs: number,
    private readonly inFlight: () => number,
    private readonly stalled: (err: Error) => void,
  ) {}

  progressed(): void {
    this.last = Date.now();
  }

  check(): void {
    if (this.inFlight() === 0) {
      this.last = Date.now();
      return;
    }
    const idle = Date.now() - this.last;
    if (idle > this.limitMs) {
      this.stalled(new Error(`${this.inFlight()} messages in flight, no progress for ${idle} ms`));
    }
  }
}
