/**
 * A closed-loop HTTP load generator that keeps every response (status, id, region, timing), which
 * autocannon does not: the failover test must check each accepted id afterwards.
 */
export interface LoadResponse {
  status: number;
  id?: string;
  region?: string;
  startedAt: number;
  endedAt: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationMs: number;
  headers: Record<string, string>;
  body: (n: number) => string;
  /** Called about every 50 ms with the elapsed time (used to inject faults mid-run). */
  onTick?: (elapsedMs: number) => Promise<void> | void;
}

export interface LoadResult {
  responses: LoadResponse[];
  byStatus(): Map<number, number>;
  /** Longest interval during the run in which no request was answered 202. */
  longestGapMs(): number;
  /** Latency percentile of requests answered at or after `since` (epoch ms), so those in flight at a fault count. */
  latencyPercentile(p: number, since?: number): number;
}

export async function runHttpLoad(opts: LoadOptions): Promise<LoadResult> {
  const t0 = Date.now();
  const responses: LoadResponse[] = [];
  let n = 0;
  const until = t0 + opts.durationMs;
  const loop = async () => {
    while (Date.now() < until) {
      const startedAt = Date.now();
      const i = n++;
      try {
        const res = await fetch(opts.url, { method: 'POST', headers: opts.headers, body: opts.body(i) });
        const body = (await res.json().catch(() => ({}))) as { id?: string; region?: string };
        responses.push({
          status: res.status,
          id: body.id,
          region: body.region,
          startedAt,
          endedAt: Date.now(),
        });
      } catch {
        responses.push({ status: 0, startedAt, endedAt: Date.now() });
      }
    }
  };
  const ticker = (async () => {
    while (Date.now() < until) {
      await opts.onTick?.(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await Promise.all([...Array.from({ length: opts.connections }, loop), ticker]);

  return {
    responses,
    byStatus() {
      const m = new Map<number, number>();
      for (const r of responses) m.set(r.status, (m.get(r.status) ?? 0) + 1);
      return m;
    },
    longestGapMs() {
      const ends = responses
        .filter((r) => r.status === 202)
        .map((r) => r.endedAt)
        .sort((a, b) => a - b);
      let gap = 0;
      for (let i = 1; i < ends.length; i++) gap = Math.max(gap, ends[i]! - ends[i - 1]!);
      return gap;
    },
    latencyPercentile(p, since = 0) {
      const lat = responses
        .filter((r) => r.endedAt >= since)
        .map((r) => r.endedAt - r.startedAt)
        .sort((a, b) => a - b);
      if (lat.length === 0) return 0;
      return lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
    },
  };
}
