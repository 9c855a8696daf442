export interface ScalingInput {
  /** λ: jobs arriving per second. */
  arrivalPerS: number;
  /** W: mean time one job occupies a worker slot, in seconds. */
  meanDurationS: number;
  /** Messages waiting now. */
  backlog: number;
  /** Jobs one worker runs at once (its prefetch / `worker.concurrency`). */
  perWorkerConcurrency: number;
  /** How fast the backlog should be gone, on top of keeping up with arrivals. */
  targetDrainS: number;
  /** Duration assumed before any job finished (so a backlog still asks for a worker). */
  defaultDurationS?: number;
}

export interface ScalingAdvice {
  workers: number;
  /** λ·W / c — workers needed to keep up (Little's law: L = λ·W jobs in service on average). */
  steady: number;
  /** backlog / (T · c / W) — extra workers that drain the backlog within T. */
  drain: number;
}

/**
 * Recommended worker count for one queue:
 *
 *   workers = ceil( λ·W / c  +  B / (T · c / W) )  =  ceil( W · (λ + B / T) / c )
 *
 * - λ·W is Little's law: the average number of jobs in service when arrivals λ/s each take W s;
 *   one worker serves c of them at once, so λ·W / c workers keep up with arrivals.
 * - A worker completes c / W jobs per second, so draining a backlog B within T seconds needs
 *   B / (T · c / W) more.
 * Nothing arriving and nothing waiting → 0 (scale to zero); otherwise at least 1.
 */
export function recommendWorkers(input: ScalingInput): ScalingAdvice {
  const c = Math.max(1, input.perWorkerConcurrency);
  const w = input.meanDurationS > 0 ? input.meanDurationS : (input.defaultDurationS ?? 1);
  const lambda = Math.max(0, input.arrivalPerS);
  const backlog = Math.max(0, input.backlog);
  const steady = (lambda * w) / c;
  const drain = backlog / (Math.max(1, input.targetDrainS) * (c / w));
  const raw = steady + drain;
  // Round away float noise (3.0000000004 must not become 4).
  const workers = raw <= 0 ? 0 : Math.max(1, Math.ceil(Math.round(raw * 1e6) / 1e6));
  return { workers, steady, drain };
}
