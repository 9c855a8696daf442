export type CircuitState = 'closed' | 'open' | 'half-open';

export interface HealthOptions {
  /** Consecutive recoverable failures that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on each failed probe up to `maxOpenMs`. */
  openMs: number;
  maxOpenMs: number;
  /** EWMA smoothing factor for confirm latency. */
  alpha: number;
  /** A probe that has not reported back after this long no longer blocks another probe. */
  probeTimeoutMs: number;
}

export const DEFAULT_HEALTH: HealthOptions = {
  failureThreshold: 1,
  openMs: 1000,
  maxOpenMs: 10_000,
  alpha: 0.2,
  probeTimeoutMs: 5000,
};

/**
 * One region's circuit breaker and confirm-latency EWMA. Closed → (failures) → open; after the
 * open period one request may probe (half-open); its success closes the circuit, its failure
 * re-opens it for twice as long.
 */
export class RegionHealth {
  state: CircuitState = 'closed';
  ewmaMs: number | undefined;
  samples = 0;
  failures = 0;
  openedAt = 0;
  openForMs: number;
  probeStartedAt = 0;
  lastProbeAt = 0;
  /** Publishes sent and not yet settled; since when some have been; when the last one settled. */
  inFlight = 0;
  busySince = 0;
  lastSettledAt = 0;

  constructor(private readonly opts: HealthOptions) {
    this.openForMs = opts.openMs;
  }

  /** Whether a request may use this region now; claims the probe slot when half-open. */
  available(now: number): 'yes' | 'probe' | 'no' {
    if (this.state === 'closed') return 'yes';
    if (this.state === 'open' && now - this.openedAt >= this.openForMs) this.state = 'half-open';
    if (this.state === 'half-open' && now - this.probeStartedAt >= this.opts.probeTimeoutMs) return 'probe';
    return 'no';
  }

  begin(now: number): void {
    if (this.inFlight++ === 0) this.busySince = now;
  }

  settle(now: number): void {
    this.inFlight--;
    this.lastSettledAt = now;
  }

  /** How long publishes have waited on this region with none settling (0 when none waits). */
  silentFor(now: number): number {
    return this.inFlight > 0 ? now - Math.max(this.busySince, this.lastSettledAt) : 0;
  }

  startProbe(now: number): void {
    this.probeStartedAt = now;
    this.lastProbeAt = now;
  }

  success(latencyMs: number): void {
    this.ewmaMs =
      this.ewmaMs === undefined ? latencyMs : this.ewmaMs + this.opts.alpha * (latencyMs - this.ewmaMs);
    this.samples++;
    this.failures = 0;
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.openForMs = this.opts.openMs;
      this.probeStartedAt = 0;
    }
  }

  failure(now: number): void {
    this.failures++;
    if (this.state === 'half-open') {
      this.openForMs = Math.min(this.opts.maxOpenMs, this.openForMs * 2);
      this.open(now);
    } else if (this.state === 'closed' && this.failures >= this.opts.failureThreshold) {
      this.open(now);
    }
  }

  private open(now: number): void {
    this.state = 'open';
    this.openedAt = now;
    this.probeStartedAt = 0;
  }
}
