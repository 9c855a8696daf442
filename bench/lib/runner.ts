import { type BenchContext, type BenchMetric, BenchSkip, type BenchSuite } from './types';

export type Status = 'ok' | 'skipped' | 'failed';

export interface SideResult {
  name: string;
  role: 'warren' | 'baseline' | 'peer';
  durability?: string;
  status: Status;
  reason?: string;
  /** Every round's value per metric key, in run order. */
  samples: Record<string, number[]>;
  median: Record<string, number>;
}

/** warren's median divided by another side's median for one metric, and the goal check. */
export interface Comparison {
  metric: string;
  warren: string;
  against: string;
  ratio: number;
  goal?: number;
  met?: boolean;
}

export interface SuiteResult {
  id: string;
  title: string;
  status: Status;
  reason?: string;
  metrics: BenchMetric[];
  sides: SideResult[];
  comparisons: Comparison[];
  seconds: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const why = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Runs one suite: suite setup, each side's setup, then `ctx.rounds` rounds in which every live
 * side runs once in a fixed order (A B A B ...), so slow drift of a shared machine hits all
 * sides alike. A side that throws `BenchSkip` is skipped with its reason, one that throws
 * anything else is marked failed; the other sides go on. Medians and ratios at the end.
 */
export async function runSuite(suite: BenchSuite, ctx: BenchContext): Promise<SuiteResult> {
  const started = Date.now();
  const sides: SideResult[] = suite.sides.map((s) => ({
    name: s.name,
    role: s.role,
    durability: s.durability,
    status: 'ok',
    samples: {},
    median: {},
  }));
  const result: SuiteResult = {
    id: suite.id,
    title: suite.title,
    status: 'ok',
    metrics: suite.metrics,
    sides,
    comparisons: [],
    seconds: 0,
  };
  const mark = (i: number, err: unknown) => {
    const s = sides[i]!;
    s.status = err instanceof BenchSkip ? 'skipped' : 'failed';
    s.reason = why(err);
    ctx.log(`  ${s.status === 'skipped' ? 'skip' : 'FAIL'} ${suite.id} / ${s.name}: ${s.reason}`);
  };
  const runTimeoutMs = ctx.quick ? 90_000 : 240_000;
  try {
    await withTimeout(suite.setup?.(ctx) ?? Promise.resolve(), runTimeoutMs, 'suite setup');
  } catch (err) {
    result.status = err instanceof BenchSkip ? 'skipped' : 'failed';
    result.reason = why(err);
    result.seconds = (Date.now() - started) / 1000;
    return result;
  }
  try {
    for (const [i, side] of suite.sides.entries()) {
      try {
        await withTimeout(side.setup?.(ctx) ?? Promise.resolve(), runTimeoutMs, 'side setup');
      } catch (err) {
        mark(i, err);
      }
    }
    const bar = ctx.progress(`${suite.id}: rounds × sides`, ctx.rounds * suite.sides.length);
    try {
      for (let round = 0; round < ctx.rounds; round++) {
        for (const [i, side] of suite.sides.entries()) {
          const res = sides[i]!;
          if (res.status !== 'ok') {
            bar.tick();
            continue;
          }
          try {
            const values = await withTimeout(side.run(ctx), runTimeoutMs, side.name);
            for (const m of suite.metrics) {
              const v = values[m.key];
              if (v === undefined) continue;
              if (!Number.isFinite(v)) throw new Error(`metric ${m.key} is not a finite number (${v})`);
              res.samples[m.key] = [...(res.samples[m.key] ?? []), v];
            }
          } catch (err) {
            mark(i, err);
          }
          bar.tick();
        }
      }
    } finally {
      bar.stop();
    }
  } finally {
    for (const side of suite.sides) await side.teardown?.(ctx).catch((e) => ctx.log(`  teardown: ${why(e)}`));
    await suite.teardown?.(ctx).catch((e) => ctx.log(`  teardown: ${why(e)}`));
  }
  for (const s of sides) for (const [k, xs] of Object.entries(s.samples)) s.median[k] = median(xs);
  result.comparisons = compare(suite.metrics, sides);
  if (!sides.some((s) => s.status === 'ok')) {
    result.status = sides.every((s) => s.status === 'skipped') ? 'skipped' : 'failed';
    result.reason = sides.map((s) => `${s.name}: ${s.reason}`).join('; ');
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

function compare(metrics: BenchMetric[], sides: SideResult[]): Comparison[] {
  const out: Comparison[] = [];
  const ok = sides.filter((s) => s.status === 'ok');
  for (const m of metrics) {
    for (const w of ok.filter((s) => s.role === 'warren')) {
      const wv = w.median[m.key];
      if (wv === undefined) continue;
      for (const o of ok.filter((s) => s.role !== 'warren')) {
        const ov = o.median[m.key];
        if (ov === undefined || ov === 0) continue;
        const ratio = wv / ov;
        const goal = m.goals?.[o.name] ?? (o.role === 'baseline' ? m.goal : undefined);
        const met = goal === undefined ? undefined : m.better === 'higher' ? ratio >= goal : ratio <= goal;
        out.push({ metric: m.key, warren: w.name, against: o.name, ratio, goal, met });
      }
    }
  }
  return out;
}
