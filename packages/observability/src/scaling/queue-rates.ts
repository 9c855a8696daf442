import { recommendWorkers, type ScalingAdvice } from './recommend-workers';

export interface QueueRatesOptions {
  /** Sliding window for rates and mean duration. */
  windowS?: number;
  perWorkerConcurrency?: number;
  targetDrainS?: number;
  now?: () => number;
}

// 'expired': a run that ended expired (its retry due past expiresAt) ran, so its time counts.
// 'arrived': an enqueue due within the window (λ); 'enqueued' counts every accepted job (shown).
type Kind = 'enqueued' | 'arrived' | 'started' | 'succeeded' | 'failed' | 'retried' | 'expired';
const KINDS: Kind[] = ['enqueued', 'arrived', 'started', 'succeeded', 'failed', 'retried', 'expired'];
const zero = (): Record<Kind, number> => ({
  enqueued: 0,
  arrived: 0,
  started: 0,
  succeeded: 0,
  failed: 0,
  retried: 0,
  expired: 0,
});

interface Bucket {
  sec: number;
  counts: Record<Kind, number>;
  durationSumS: number;
  durations: number;
}

export interface QueueRateSnapshot {
  /** Per second over the window. */
  perS: Record<Kind, number>;
  meanDurationMs: number | undefined;
  /** λ used for scaling: the enqueue rate seen here, else the queue's starts + backlog growth. */
  arrivalPerS: number;
}

/**
 * Per-queue event rates over a sliding window of one-second buckets, plus backlog samples, so a
 * process can estimate λ and W for `recommendWorkers` without a Prometheus server.
 */
export function createQueueRates(opts: QueueRatesOptions = {}) {
  const windowS = opts.windowS ?? 60;
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const queues = new Map<string, Bucket[]>();
  const depths = new Map<string, { at: number; depth: number }[]>();
  /** Consumers on each queue, as the broker last said (every worker process is one). */
  const consumers = new Map<string, number>();

  const bucket = (queue: string): Bucket => {
    const sec = Math.floor(now() / 1000);
    let list = queues.get(queue);
    if (!list) {
      list = [];
      queues.set(queue, list);
    }
    let b = list[list.length - 1];
    if (!b || b.sec !== sec) {
      b = { sec, counts: zero(), durationSumS: 0, durations: 0 };
      list.push(b);
      while (list.length > 0 && list[0]!.sec <= sec - windowS) list.shift();
    }
    return b;
  };
  /** Seconds the window really covers (a fresh process has not seen a whole window yet). */
  const span = () => Math.max(1, Math.min(windowS, (now() - startedAt) / 1000));

  function snapshot(queue: string): QueueRateSnapshot {
    const cutoff = Math.floor(now() / 1000) - windowS;
    const sums = zero();
    let dSum = 0;
    let dN = 0;
    for (const b of queues.get(queue) ?? []) {
      if (b.sec <= cutoff) continue;
      for (const k of KINDS) sums[k] += b.counts[k];
      dSum += b.durationSumS;
      dN += b.durations;
    }
    const s = span();
    const perS = Object.fromEntries(KINDS.map((k) => [k, sums[k] / s])) as Record<Kind, number>;
    let arrivalPerS = perS.arrived;
    if (arrivalPerS === 0) {
      // A worker-only process sees no enqueues: arrivals = departures + backlog growth. It starts
      // only its share of the queue's jobs (the broker spreads them over the consumers, one per
      // worker process): taken alone, N workers each asked for 1/N of the workers needed.
      // Growth over a quarter window at least: two reads ms apart (a scrape and a /status.json)
      // would turn any depth change into thousands of arrivals per second.
      const d = (depths.get(queue) ?? []).filter((x) => x.at > now() - windowS * 1000);
      const spanS = d.length >= 2 ? Math.max((d[d.length - 1]!.at - d[0]!.at) / 1000, windowS / 4) : 0;
      const slope = spanS > 0 ? (d[d.length - 1]!.depth - d[0]!.depth) / spanS : 0;
      const share = Math.max(1, consumers.get(queue) ?? 1);
      arrivalPerS = Math.max(0, perS.started * share + slope);
    }
    return { perS, meanDurationMs: dN > 0 ? (dSum / dN) * 1000 : undefined, arrivalPerS };
  }

  return {
    /**
     * One event now. `dueAtMs` (a scheduled enqueue): an arrival only if due within the window;
     * one due later is no arrival yet (it shows as backlog or starts once due: 200 jobs for an hour
     * later asked for 200 workers at once), but is an enqueue all the same (the rate shown).
     */
    record(queue: string, kind: Exclude<Kind, 'arrived'>, durationMs?: number, dueAtMs?: number): void {
      const b = bucket(queue);
      b.counts[kind]++;
      if (kind === 'enqueued' && (dueAtMs === undefined || dueAtMs - now() <= windowS * 1000))
        b.counts.arrived++;
      if (durationMs !== undefined) {
        b.durationSumS += durationMs / 1000;
        b.durations++;
      }
    },
    /** A broker read of the queue: its depth, and its consumers when the broker says. */
    observeDepth(queue: string, depth: number, consumerCount?: number): void {
      if (consumerCount !== undefined) consumers.set(queue, consumerCount);
      let list = depths.get(queue);
      if (!list) {
        list = [];
        depths.set(queue, list);
      }
      // One sample per second: every /status.json and scrape reads the depth (the same shared
      // read for 500 ms), and kept one per call, a poller's rate set the list's size and each
      // snapshot's cost (only the first and last are read: the slope).
      const at = now();
      const last = list[list.length - 1];
      if (last && Math.floor(last.at / 1000) === Math.floor(at / 1000) && list.length > 1) {
        last.at = at;
        last.depth = depth;
      } else list.push({ at, depth });
      while (list.length > 0 && list[0]!.at <= now() - windowS * 1000) list.shift();
    },
    snapshot,
    recommend(queue: string, backlog: number): ScalingAdvice {
      const s = snapshot(queue);
      return recommendWorkers({
        arrivalPerS: s.arrivalPerS,
        meanDurationS: (s.meanDurationMs ?? 0) / 1000,
        backlog,
        perWorkerConcurrency: opts.perWorkerConcurrency ?? 16,
        targetDrainS: opts.targetDrainS ?? 60,
      });
    },
    queues: (): string[] => [...queues.keys()],
  };
}

export type QueueRates = ReturnType<typeof createQueueRates>;
