import { cpuMeter, pidOnPort } from '../lib/proc-cpu';
import { onRunEnd } from '../lib/run-end';
import type { BenchContext } from '../lib/types';
import { newRound, now, percentile, type Round } from './common';
import { WorkerHost } from './host-client';

/** A side's producer for one round: open, send, close (close also deletes the round's queue and keys). */
export interface Producer {
  open(round: Round): Promise<void>;
  /** Enqueues n jobs, each acknowledged (confirm / Redis reply), as fast as the side honestly can. */
  burst(round: Round, n: number, tick?: (n: number) => void): Promise<void>;
  /** Enqueues at `rate` jobs/s for `ms`, stamping each job with its enqueue time; returns the count. */
  rate(round: Round, rate: number, ms: number): Promise<number>;
  close(round: Round): Promise<void>;
}

/** What the three peer suites ask of every side (Node sides via `nodeSide`, Celery its own). */
export interface SideRunner {
  setup?(ctx: BenchContext): Promise<void>;
  teardown?(): Promise<void>;
  /** N jobs from first enqueue to last result stored, worker started beforehand → jobs/s. */
  throughput(ctx: BenchContext): Promise<Record<string, number>>;
  /** Enqueue → result stored at a fixed rate → p50/p99 ms. */
  latency(ctx: BenchContext): Promise<Record<string, number>>;
  /** N acknowledged enqueues, no worker → jobs/s. */
  enqueue(ctx: BenchContext): Promise<Record<string, number>>;
}

export const sizes = (quick: boolean) => ({
  throughputN: quick ? 1_000 : 20_000,
  enqueueN: quick ? 1_000 : 20_000,
  // 200 jobs/s: moderate for every side on 2 shared cores (and the rate of the latency column in
  // shared/notes/baselines.md); at 500/s a loaded box measures queueing, not latency.
  latencyRate: 200,
  latencyMs: quick ? 1_000 : 8_000,
});

export function latencyStats(lat: number[]): Record<string, number> {
  const s = [...lat].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
}

const hosts = new Map<string, WorkerHost>();

/** One worker-host process per kind for the whole run (the e2e suites share them). */
function hostFor(kind: string): WorkerHost {
  let h = hosts.get(kind);
  if (!h) {
    const host = new WorkerHost();
    hosts.set(kind, host);
    onRunEnd(() => host.close());
    process.once('exit', () => host.close());
    h = host;
  }
  return h;
}

/**
 * A Node side: producer in the bench process, worker (`kind`) in a worker-host child process
 * started once per kind for the whole run, a fresh queue and key prefix per round.
 */
export function nodeSide(kind: 'raw' | 'bullmq' | 'warren', makeProducer: () => Producer): SideRunner {
  const host = hostFor(kind);
  let profiled = false;
  let warmed = false;
  /**
   * One unmeasured round of n/4 jobs before a side's first measured one, every side alike: the
   * first round paid the JIT and the connections' warm-up (measured: warren's first of 3 rounds
   * 25-35 % below its other two, raw's ~15 %), which swung the median of 3.
   */
  async function warmUp(n: number): Promise<void> {
    if (warmed) return;
    warmed = true;
    const round = newRound(kind);
    const producer = makeProducer();
    await producer.open(round);
    const { done } = await host.start({ kind, round, expect: n, latency: false });
    try {
      await producer.burst(round, n);
      await done;
    } finally {
      await host.stop();
      await producer.close(round);
    }
  }
  return {
    async throughput(ctx) {
      const { throughputN: n } = sizes(ctx.quick);
      await warmUp(Math.ceil(n / 4));
      const round = newRound(kind);
      const producer = makeProducer();
      await producer.open(round);
      // One round only (the first), enough to see where the time goes: CPU time per process for
      // every Node side (--cpu or --profile) and, with --profile, a CPU profile of warren's
      // producer and worker (which slows them: compare sides with --cpu alone).
      const measureCpu = (ctx.profile || ctx.cpu) && !profiled;
      const profile = ctx.profile && !profiled && kind === 'warren';
      const stamp = Date.now();
      const bar = ctx.progress(`${kind}: results stored`, n);
      let seen = 0;
      const { done } = await host.start(
        {
          kind,
          round,
          expect: n,
          latency: false,
          profile: profile ? `${ctx.profileDir}/${kind}-worker-${stamp}.cpuprofile` : undefined,
        },
        (c) => {
          bar.tick(c - seen);
          seen = c;
        },
      );
      try {
        const prodProf = profile ? await (await import('../lib/profile')).startProfile() : undefined;
        const meter = measureCpu
          ? cpuMeter({
              'producer (bench process)': process.pid,
              [`worker (${kind})`]: host.pid,
              'redis-server :6379': pidOnPort(6379),
              'rabbitmq :5672': pidOnPort(5672),
            })
          : undefined;
        const t0 = now();
        await producer.burst(round, n);
        const enqueuedAt = now();
        const report = await done;
        if (meter) {
          ctx.log(`${kind} (${n} jobs end to end)\n${meter.stop(n)}`);
          profiled = true;
        }
        if (prodProf) {
          const { formatProfile } = await import('../lib/profile');
          const p = await prodProf.stop(`${ctx.profileDir}/${kind}-producer-${stamp}.cpuprofile`);
          ctx.log(formatProfile(`producer (${kind}, bench process)`, p));
          ctx.log(report.profileText ?? '');
        }
        return {
          jobsPerS: n / ((report.doneAt - t0) / 1000),
          enqueueOnlyPerS: n / ((enqueuedAt - t0) / 1000),
        };
      } finally {
        bar.stop();
        await host.stop();
        await producer.close(round);
      }
    },
    async latency(ctx) {
      const { latencyRate, latencyMs } = sizes(ctx.quick);
      const n = Math.round((latencyRate * latencyMs) / 1000);
      const round = newRound(kind);
      const producer = makeProducer();
      await producer.open(round);
      const { done } = await host.start({ kind, round, expect: n, latency: true });
      try {
        await producer.rate(round, latencyRate, latencyMs);
        const report = await done;
        return latencyStats(report.latencies);
      } finally {
        await host.stop();
        await producer.close(round);
      }
    },
    async enqueue(ctx) {
      const { enqueueN: n } = sizes(ctx.quick);
      const round = newRound(kind);
      const producer = makeProducer();
      await producer.open(round);
      const bar = ctx.progress(`${kind}: enqueued`, n);
      try {
        const t0 = now();
        await producer.burst(round, n, (k) => bar.tick(k));
        return { jobsPerS: n / ((now() - t0) / 1000) };
      } finally {
        bar.stop();
        await producer.close(round);
      }
    },
  };
}
