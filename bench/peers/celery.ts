import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { connectAmqp } from '../lib/amqp-connect';
import { onRunEnd } from '../lib/run-end';
import { BenchSkip } from '../lib/types';
import { AMQP_URL, deleteAmqpQueue, deleteKeys, newRound, now, REDIS_URL, type Round } from './common';
import { latencyStats, type SideRunner, sizes } from './pipeline';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'celery');
/** Debian's interpreter: python3-celery lives there, not in a pyenv/venv python that may shadow it. */
const PY = '/usr/bin/python3';
const META = 'celery-task-meta-';
const env = (round: Round) => ({
  ...process.env,
  BENCH_QUEUE: round.queue,
  // kombu reads the vhost from the path: "//" is vhost "/".
  BENCH_AMQP_URL: /:\d+\/?$/.test(AMQP_URL) ? AMQP_URL.replace(/\/?$/, '//') : AMQP_URL,
  BENCH_REDIS_URL: REDIS_URL,
  PYTHONDONTWRITEBYTECODE: '1',
});

const importable = () => spawnSync(PY, ['-c', 'import celery, redis'], { stdio: 'ignore' }).status === 0;

/** Installs python3-celery + python3-redis from Debian when missing (root only), else BenchSkip. */
export async function ensureCelery(log: (m: string) => void): Promise<string> {
  if (!importable()) {
    if (process.getuid?.() !== 0)
      throw new BenchSkip('Celery not installed (apt-get install python3-celery python3-redis needs root)');
    const { aptInstall } = await import('../../test/support/services');
    try {
      aptInstall(['python3-celery', 'python3-redis'], log);
    } catch (err) {
      throw new BenchSkip(`could not install Celery from Debian: ${(err as Error).message}`);
    }
    if (!importable()) throw new BenchSkip(`Celery still not importable by ${PY} after apt-get install`);
  }
  return spawnSync(PY, ['-c', 'import celery; print(celery.__version__)']).stdout.toString().trim();
}

async function consumers(queue: string): Promise<number> {
  const conn = await connectAmqp();
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    return (await ch.checkQueue(queue)).consumerCount;
  } catch {
    return 0;
  } finally {
    await conn.close().catch(() => {});
  }
}

/** A prefork worker (c2) for one round's queue; resolves once it consumes. */
async function startWorker(round: Round): Promise<ChildProcess> {
  const child = spawn(
    PY,
    [
      '-m',
      'celery',
      '-A',
      'bench_app',
      'worker',
      '-P',
      'prefork',
      '-c',
      '2',
      '--prefetch-multiplier',
      '32',
      '-Q',
      round.queue,
      '--without-gossip',
      '--without-mingle',
      '--without-heartbeat',
      '-l',
      'WARNING',
    ],
    { cwd: dir, env: env(round), detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-2000);
  });
  const until = Date.now() + 30_000;
  while ((await consumers(round.queue)) < 1) {
    if (child.exitCode !== null) throw new Error(`celery worker exited: ${stderr.trim()}`);
    if (Date.now() > until) throw new Error(`celery worker not consuming after 30 s: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  if (child.exitCode !== null) return;
  try {
    process.kill(-child.pid!, 'SIGTERM'); // warm shutdown of the whole prefork group
  } catch {}
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }, 8_000);
  await exited;
  clearTimeout(t);
}

function produce(
  round: Round,
  args: string[],
): Promise<{ start?: number; end?: number; t0?: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(PY, ['produce.py', ...args], {
      cwd: dir,
      env: env(round),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err = (err + d).slice(-2000);
    });
    p.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`produce.py: ${err.trim()}`)),
    );
  });
}

/** Watches results land: Celery's Redis backend PUBLISHes every stored result on its key's channel. */
async function watchResults(round: Round, expect: number, onCount?: (n: number) => void) {
  const sub = new Redis(REDIS_URL);
  const seen = new Map<string, number>();
  let resolveDone: (t: number) => void = () => {};
  const done = new Promise<number>((r) => {
    resolveDone = r;
  });
  sub.on('pmessage', (_p, channel) => {
    const t = now();
    seen.set(channel.slice(META.length), t);
    if (seen.size % 100 === 0) onCount?.(seen.size);
    if (seen.size === expect) resolveDone(t);
  });
  await sub.psubscribe(`${META}${round.prefix}-*`);
  return { done, seen, close: () => sub.disconnect() };
}

async function purgeQueue(queue: string): Promise<void> {
  const conn = await connectAmqp();
  try {
    await (await conn.createChannel()).purgeQueue(queue);
  } finally {
    await conn.close().catch(() => {});
  }
}

async function deleteResults(round: Round): Promise<void> {
  const redis = new Redis(REDIS_URL);
  await deleteKeys(redis, `${META}${round.prefix}-*`).finally(() => redis.disconnect());
}

/**
 * Celery 5.2 (Debian python3-celery): Python producer (apply_async) and prefork worker started by
 * the bench; results observed through the Redis backend's pub/sub.
 */
// One prefork worker for the whole run (Celery takes seconds to boot), on a queue of its own
// that is purged before every round; each round's task ids and result keys carry a fresh prefix.
let worker: { child: ChildProcess; queue: string } | undefined;

async function warmWorker(): Promise<Round> {
  const round = newRound('celery');
  if (!worker) {
    worker = { child: await startWorker(round), queue: round.queue };
    const w = worker;
    process.once('exit', () => {
      try {
        process.kill(-w.child.pid!, 'SIGKILL');
      } catch {}
    });
    onRunEnd(async () => {
      await stopWorker(w.child);
      await deleteAmqpQueue(w.queue).catch(() => {});
      worker = undefined;
    });
  } else await purgeQueue(worker.queue);
  return { queue: worker.queue, prefix: round.prefix };
}

export function celerySide(): SideRunner {
  return {
    async setup(ctx) {
      const v = await ensureCelery(ctx.log);
      if (!v.startsWith('5.')) throw new BenchSkip(`Celery ${v} found, the bench expects 5.x`);
    },
    async throughput(ctx) {
      // Celery is producer-bound at a flat ~1.1k jobs/s here (one confirm round trip per
      // apply_async): 5,000 jobs give the same rate as 20,000 and keep the full run in budget.
      const n = Math.min(5_000, sizes(ctx.quick).throughputN);
      const round = await warmWorker();
      const bar = ctx.progress('celery: results stored', n);
      let shown = 0;
      const watch = await watchResults(round, n, (c) => {
        bar.tick(c - shown);
        shown = c;
      });
      try {
        const t0 = now();
        await produce(round, ['burst', String(n), round.prefix]);
        const doneAt = await watch.done;
        return { jobsPerS: n / ((doneAt - t0) / 1000) };
      } finally {
        bar.stop();
        watch.close();
        await deleteResults(round);
      }
    },
    async latency(ctx) {
      const { latencyRate, latencyMs } = sizes(ctx.quick);
      const n = Math.round((latencyRate * latencyMs) / 1000);
      const round = await warmWorker();
      const watch = await watchResults(round, n);
      try {
        const out = await produce(round, ['rate', String(latencyRate), String(latencyMs), round.prefix]);
        await watch.done;
        const lat = Object.entries(out.t0!).map(([id, t0]) => watch.seen.get(id)! - t0 * 1000);
        return latencyStats(lat);
      } finally {
        watch.close();
        await deleteResults(round);
      }
    },
    async enqueue(ctx) {
      // Celery publishes ~1k/s here: a tenth of N keeps the run in budget; it is a rate.
      const n = sizes(ctx.quick).enqueueN / 10;
      const round = newRound('celery');
      try {
        const out = await produce(round, ['burst', String(n), round.prefix]);
        return { jobsPerS: n / (out.end! - out.start!) };
      } finally {
        await deleteAmqpQueue(round.queue).catch(() => {});
      }
    },
  };
}
