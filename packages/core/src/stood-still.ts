/**
 * Tells whether the process stood still: AWS Lambda freezes an idle function between invocations
 * (minutes to hours), and a long block of the event loop stops timers as well. Either way no
 * heartbeat or keep-alive went out meanwhile, so a connection kept across it may be dead (closed
 * by its peer, forgotten by a NAT) while its socket still looks open here.
 *
 * A cheap unref'd timer ticks every `gapMs / 4`; a clock more than `gapMs` past the last tick, or
 * a tick that found such a jump (the first request after a thaw may come after timers ran again),
 * means it stood still. Asking costs one clock read and a compare.
 */
export class StillnessWatch {
  private tick = Date.now();
  private jumped = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly gapMs = 2000) {
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - this.tick > gapMs) this.jumped = true;
      this.tick = now;
    }, gapMs / 4);
    // Core runs in browsers and workerd too, where timers are numbers.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Whether the process stood still for more than `gapMs` since the last `clear`. */
  stoodStill(): boolean {
    return this.jumped || Date.now() - this.tick > this.gapMs;
  }

  /** The connections were checked: start watching afresh. */
  clear(): void {
    this.jumped = false;
    this.tick = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
