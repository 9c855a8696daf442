import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { CHILD_EXEC_ARGV } from '../lib/exec-argv';
import { cpuMeter, pidOnPort } from '../lib/proc-cpu';
import { onInterrupt } from '../lib/run-end';
import type { BenchContext, BenchSide, BenchSuite } from '../lib/types';
import { deleteAmqpQueue, deleteKeys, REDIS_URL, uniqueName } from '../peers/common';

/**
 * POST /v1/jobs at 64 keep-alive connections (autocannon) against the real ingest, and against a
 * bare Hono handler that publishes the same message with raw amqplib and a confirm. Both servers
 * run as child processes on the same RabbitMQ (quorum queue, persistent, confirm after fsync).
 * warren does more per request (bearer auth, schema validation, envelope, job record written to
 * Redis). Every request carries the same Authorization header; the bare handler ignores it.
 */
const PORT = { warren: 29010, bare: 29011 };
const API_KEY = 'wk_bench_4f1c9a7e2b6d8035c1e9a7f2';

async function startServer(script: string, args: string[]): Promise<ChildProcess> {
  const child = fork(join(process.cwd(), 'bench/servers', script), args, {
    execArgv: CHILD_EXEC_ARGV,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return child;
}

async function cleanUp(child: ChildProcess, queue: string, prefix: string): Promise<void> {
  child.kill('SIGKILL');
  await deleteAmqpQueue(queue).catch(() => {});
  const redis = new Redis(REDIS_URL);
  await deleteKeys(redis, `${prefix}*`).finally(() => redis.disconnect());
}

// The server of the round in progress, for a stopped run (its own finally does not run then; the
// queue and keys carry a uniqueName, which the run's interrupt cleanup deletes).
let live: ChildProcess | undefined;
onInterrupt(() => {
  live?.kill('SIGKILL');
});

function side(name: string, role: BenchSide['role'], script: string, durability: string): BenchSide {
  return {
    name,
    role,
    durability,
    async run(ctx: BenchContext) {
      const queue = uniqueName(`ingest-${role}`);
      const prefix = `${queue}:`;
      const port = role === 'warren' ? PORT.warren : PORT.bare;
      const child = await startServer(script, [String(port), queue, prefix, API_KEY]);
      live = child;
      const load = (duration: number) =>
        autocannon({
          url: `http://127.0.0.1:${port}/v1/jobs`,
          method: 'POST',
          connections: 64,
          duration,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
          body: JSON.stringify({ task: 'demo.add', input: { a: 1, b: 2 } }),
        });
      try {
        // Each round starts a fresh server: a short unmeasured load first, so both sides are
        // measured JIT-warm, as a server that has been up for a while is (not its first seconds).
        await load(ctx.quick ? 0.5 : 2);
        // --cpu: where the 2 cores go in this round (autocannon runs in the bench process).
        const meter = ctx.cpu
          ? cpuMeter({
              [`server (${role})`]: child.pid,
              'autocannon (bench process)': process.pid,
              'redis-server :6379': pidOnPort(6379),
              'rabbitmq :5672': pidOnPort(5672),
            })
          : undefined;
        // --profile: the warren server profiles itself over the measured load only.
        const profiled = ctx.profile && role === 'warren' && ctx.profileDir;
        if (profiled) child.send({ profile: 'start' });
        const res = await load(ctx.quick ? 2 : 10);
        if (profiled) {
          const text = new Promise<string>((resolve) =>
            child.on('message', (m: { profileText?: string }) => m.profileText && resolve(m.profileText)),
          );
          child.send({ profile: 'stop', file: `${ctx.profileDir}/ingest-server-${Date.now()}.cpuprofile` });
          ctx.log(await text);
        }
        const ok = res['2xx'];
        if (meter) ctx.log(`${name}\n${meter.stop(ok, 'request')}`);
        if (res.non2xx > 0 || res.errors > 0) ctx.log(`${name}: ${res.non2xx} non-2xx, ${res.errors} errors`);
        return {
          rps: ok / (res.duration || 1),
          p50: res.latency.p50,
          p99: res.latency.p99,
        };
      } finally {
        live = undefined;
        await cleanUp(child, queue, prefix);
      }
    },
  };
}

const suite: BenchSuite = {
  id: 'ingest-http',
  title: 'Ingest POST /v1/jobs, 64 keep-alive connections (autocannon)',
  metrics: [
    { key: 'rps', label: 'accepted jobs/s', unit: 'req/s', better: 'higher', goal: 0.8 },
    { key: 'p50', label: 'latency p50', unit: 'ms', better: 'lower' },
    { key: 'p99', label: 'latency p99', unit: 'ms', better: 'lower' },
  ],
  sides: [
    side(
      'warren ingest (auth, validate, confirm, record in Redis)',
      'warren',
      'warren-ingest.ts',
      'fsync (quorum confirm) + Redis record',
    ),
    side('bare Hono + raw amqplib confirm', 'baseline', 'bare-hono-amqplib.ts', 'fsync (quorum confirm)'),
  ],
};

export default suite;
