import type { Metrics } from '../metrics/create-metrics';
import type { LinkStatus, LinkStatusFn, QueueStatsFn, RegionStatus } from '../metrics/types';
import type { QueueRates } from '../scaling/queue-rates';
import type { FailureEntry, RecentFailures } from './recent-failures';

export interface StatusSources {
  /** This process's region. */
  region: string;
  regions: () => readonly RegionStatus[];
  /** Whether the region's broker has a node connected (undefined: not known). */
  connected?: (region: string) => boolean | undefined;
  queues: () => readonly string[];
  queueStats?: QueueStatsFn;
  rates?: QueueRates;
  links?: LinkStatusFn;
  recentFailures?: RecentFailures;
  metrics?: Metrics;
  startedAt?: number;
}

type Counts = Record<'enqueued' | 'started' | 'succeeded' | 'failed' | 'retried' | 'deadLettered', number>;

export interface QueueStatus {
  name: string;
  depth: number | null;
  consumers: number | null;
  /**
   * Messages in the queue's dead-letter queue, from the broker (null: not read): unlike `totals`,
   * every process's and from before this one started.
   */
  deadLetters: number | null;
  /** Per second over the last minute. */
  rates: { enqueued: number; started: number; succeeded: number; failed: number; retried: number };
  meanDurationMs: number | null;
  /** Since this process started. */
  totals: Counts;
  /**
   * recommendedWorkers and drain are null while the broker cannot be read (depth null): advice
   * for an empty backlog would tell a scaler to shed workers in an outage.
   */
  scaling: { recommendedWorkers: number | null; arrivalPerS: number; steady: number; drain: number | null };
}

export interface StatusSnapshot {
  generatedAt: string;
  region: string;
  uptimeS: number;
  regions: (Omit<RegionStatus, 'ewmaMs'> & {
    confirmLatencyMs: number | null;
    home: boolean;
    /** Its broker has a node connected now; null when this process does not know (embedded broker). */
    connected: boolean | null;
  })[];
  queues: QueueStatus[];
  links: LinkStatus[];
  recentFailures: FailureEntry[];
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

/** Sums a counter's samples by queue label. */
async function countsByQueue(m: Metrics | undefined): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  if (!m) return out;
  const keys = ['enqueued', 'started', 'succeeded', 'failed', 'retried', 'deadLettered'] as const;
  for (const k of keys) {
    for (const v of (await m.jobs[k].get()).values) {
      const q = String(v.labels.queue ?? '');
      const c = out.get(q) ?? {
        enqueued: 0,
        started: 0,
        succeeded: 0,
        failed: 0,
        retried: 0,
        deadLettered: 0,
      };
      c[k] += v.value;
      out.set(q, c);
    }
  }
  return out;
}

/** One JSON view of everything this process knows: what `/status.json`, the dashboard and `warren status` show. */
export async function collectStatus(src: StatusSources): Promise<StatusSnapshot> {
  const names = [...new Set([...src.queues(), ...(src.rates?.queues() ?? [])])].sort();
  const [totals, links, stats] = await Promise.all([
    countsByQueue(src.metrics),
    Promise.resolve(src.links?.() ?? []).catch(() => []),
    Promise.all(names.map((q) => Promise.resolve(src.queueStats?.(q)).catch(() => undefined))),
  ]);
  const queues = names.map((name, i): QueueStatus => {
    const s = stats[i];
    if (s) src.rates?.observeDepth(name, s.messageCount, s.consumerCount);
    const snap = src.rates?.snapshot(name);
    // The broker did not answer: the backlog is unknown, so is the advice (as the gauge's).
    const unknown = src.queueStats !== undefined && s === undefined;
    const advice = src.rates?.recommend(name, s?.messageCount ?? 0);
    const r = snap?.perS;
    return {
      name,
      depth: s?.messageCount ?? null,
      consumers: s?.consumerCount ?? null,
      deadLetters: s?.deadLetters ?? null,
      rates: {
        enqueued: round(r?.enqueued ?? 0),
        started: round(r?.started ?? 0),
        succeeded: round(r?.succeeded ?? 0),
        failed: round(r?.failed ?? 0),
        retried: round(r?.retried ?? 0),
      },
      meanDurationMs: snap?.meanDurationMs !== undefined ? round(snap.meanDurationMs, 1) : null,
      totals: totals.get(name) ?? {
        enqueued: 0,
        started: 0,
        succeeded: 0,
        failed: 0,
        retried: 0,
        deadLettered: 0,
      },
      scaling: {
        recommendedWorkers: unknown ? null : (advice?.workers ?? 0),
        arrivalPerS: round(snap?.arrivalPerS ?? 0),
        steady: round(advice?.steady ?? 0),
        drain: unknown ? null : round(advice?.drain ?? 0),
      },
    };
  });
  return {
    generatedAt: new Date().toISOString(),
    region: src.region,
    uptimeS: Math.round((Date.now() - (src.startedAt ?? Date.now())) / 1000),
    regions: src.regions().map(({ ewmaMs, ...r }) => ({
      ...r,
      confirmLatencyMs: ewmaMs !== undefined ? round(ewmaMs, 2) : null,
      home: r.id === src.region,
      connected: src.connected?.(r.id) ?? null,
    })),
    queues,
    links,
    recentFailures: src.recentFailures?.list() ?? [],
  };
}
