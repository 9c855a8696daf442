import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { LinkSpec } from '@warren/forwarder';
import { RabbitHarness, type RabbitNode } from '../../test/support/rabbit-nodes';
import { connectAmqp } from '../lib/amqp-connect';
import { CHILD_EXEC_ARGV } from '../lib/exec-argv';
import { cpuMeter } from '../lib/proc-cpu';
import { onInterrupt } from '../lib/run-end';
import type { BenchContext, BenchSide, BenchSuite } from '../lib/types';

/**
 * Moving a backlog from node A to node B (two single-node brokers on this host), on-confirm on
 * both sides: RabbitMQ's shovel plugin (a dynamic shovel running inside A, set with
 * `rabbitmqctl set_parameter`) vs warren's forwarder (one link at a time in a long-lived Node process, warmed up once like a running `warren forward`). Same N × 1 KiB
 * persistent warren envelopes pre-filled on A, same quorum queues, same prefetch (1000).
 * Rate = messages arrived at B ÷ time from the first to the last arrival (start-up excluded for both).
 * The forwarder also rewrites each envelope's `hops` and adds a provenance header; the shovel moves bytes.
 * The forwarder runs with its defaults, which publish over 8 confirm channels to B (so B's work per
 * publish spreads over its cores; order across them is not kept); the shovel publishes on one.
 */
const PREFETCH = 1000;
const PORTS = { a: 27011, b: 27012 };
const harness = new RabbitHarness(['rabbitmq_shovel']);
let A: RabbitNode;
let B: RabbitNode;

async function prepare(queue: string, n: number): Promise<void> {
  for (const node of [A, B]) {
    const conn = await connectAmqp(node.url);
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue).catch(() => {});
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await conn.close();
  }
  const conn = await connectAmqp(A.url);
  const ch = await conn.createConfirmChannel();
  const pad = 'x'.repeat(860);
  for (let start = 0; start < n; start += 2000) {
    for (let i = start; i < Math.min(n, start + 2000); i++) {
      const id = `b-${i}`;
      const body = JSON.stringify({
        v: 1,
        id,
        task: 'bench.noop',
        queue,
        input: { pad },
        attempt: 1,
        maxAttempts: 3,
        origin: 'a',
        hops: [],
      });
      ch.sendToQueue(queue, Buffer.from(body), {
        persistent: true,
        messageId: id,
        contentType: 'application/json',
      });
    }
    await ch.waitForConfirms();
  }
  await conn.close();
}

/** Polls B's depth (passive declare: exact for quorum queues) until all `n` arrived. */
async function measure(queue: string, n: number, ctx: BenchContext): Promise<number> {
  const conn = await connectAmqp(B.url);
  const ch = await conn.createChannel();
  const bar = ctx.progress(`moved to B`, n);
  let first: { t: number; d: number } | undefined;
  let last = 0;
  const deadline = Date.now() + (ctx.quick ? 60_000 : 180_000);
  try {
    for (;;) {
      const d = (await ch.checkQueue(queue)).messageCount;
      const t = performance.now();
      if (d > 0 && !first) first = { t, d };
      bar.tick(d - last);
      last = d;
      if (d >= n) return ((n - first!.d) / (t - first!.t)) * 1000;
      if (Date.now() > deadline) throw new Error(`only ${d}/${n} arrived at B`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    bar.stop();
    await conn.close();
  }
}

async function drop(queue: string): Promise<void> {
  for (const node of [A, B]) {
    const conn = await connectAmqp(node.url);
    await (await conn.createChannel()).deleteQueue(queue).catch(() => {});
    await conn.close();
  }
}

/** The forwarder process: started once, warmed up on a small backlog, then given one link per round. */
let host: ChildProcess | undefined;
function request(msg: object, answer: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: Record<string, unknown>) => {
      if (answer in m) {
        host?.off('message', onMsg);
        resolve();
      }
    };
    host?.on('message', onMsg);
    host?.once('exit', (code) => reject(new Error(`forwarder process exited (${code})`)));
    host?.send(msg);
  });
}
const linkSpec = (queue: string): LinkSpec => ({
  name: queue,
  source: { urls: [A.url], queue, region: 'a' },
  destination: { kind: 'amqp', urls: [B.url], queue, region: 'b' },
  prefetch: PREFETCH,
});
async function forwardWith(queue: string): Promise<() => Promise<void>> {
  await request({ start: linkSpec(queue) }, 'started');
  return () => request({ stop: queue }, 'stopped');
}

let round = 0;
function side(
  name: string,
  role: BenchSide['role'],
  durability: string,
  mover: (q: string) => Promise<() => Promise<void>>,
): BenchSide {
  return {
    name,
    role,
    durability,
    async run(ctx) {
      const n = ctx.quick ? 10_000 : 100_000;
      const queue = `bench-fwd-${round++}`;
      await prepare(queue, n);
      const stop = await mover(queue);
      // Where the 2 cores go: the shovel runs inside A; the forwarder is its own process.
      const cpu = cpuMeter({
        'node A (source)': A.pid(),
        'node B (destination)': B.pid(),
        forwarder: host?.pid,
      });
      try {
        const rate = await measure(queue, n, ctx);
        ctx.log(`${name}\n${cpu.stop(n, 'message')}`);
        return { rate };
      } finally {
        await stop();
        await drop(queue);
      }
    },
  };
}

const suite: BenchSuite = {
  id: 'forwarder-vs-shovel',
  title: 'Forward a backlog A → B, on-confirm, prefetch 1000, 1 KiB persistent (quick 10k, full 100k)',
  metrics: [{ key: 'rate', label: 'msgs/s moved', unit: 'msg/s', better: 'higher', goal: 1.2 }],
  async setup() {
    // A stopped run must not leave two RabbitMQ nodes (and the forwarder host) running.
    onInterrupt(async () => {
      host?.kill('SIGKILL');
      await harness.stopAll();
    });
    const nodes = await harness.start([
      { name: 'bench-fwd-a', port: PORTS.a },
      { name: 'bench-fwd-b', port: PORTS.b },
    ]);
    A = nodes[0]!;
    B = nodes[1]!;
  },
  async teardown() {
    // A graceful exit lets `--profile`'s --cpu-prof write the forwarder's profile.
    const exited = host && new Promise((r) => host?.once('exit', r));
    host?.disconnect();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    host?.kill('SIGKILL');
    await harness.stopAll();
  },
  sides: [
    {
      ...side('warren forwarder (own process)', 'warren', 'on-confirm (quorum fsync at B)', forwardWith),
      async setup(ctx) {
        host = fork(join(process.cwd(), 'test/forwarder/link-host.ts'), [], {
          execArgv: [
            ...CHILD_EXEC_ARGV,
            ...(ctx.profileDir ? ['--cpu-prof', '--cpu-prof-dir', ctx.profileDir] : []),
          ],
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        });
        // A send after the host died (a stopped run kills it) reports here instead of crashing.
        host.on('error', (err) => ctx.log(`forwarder host: ${err.message}`));
        await new Promise((r) => host?.once('message', r));
        // Warm-up (JIT), as a long-running forwarder is: 5k messages through one link, not measured.
        const q = 'bench-fwd-warmup';
        await prepare(q, 5000);
        const stop = await forwardWith(q);
        await measure(q, 5000, ctx);
        await stop();
        await drop(q);
      },
    },
    side(
      'RabbitMQ shovel plugin (dynamic, in node A)',
      'baseline',
      'on-confirm (quorum fsync at B)',
      async (queue) => {
        const def = {
          'src-protocol': 'amqp091',
          'src-uri': 'amqp://',
          'src-queue': queue,
          'dest-protocol': 'amqp091',
          'dest-uri': `amqp://guest:guest@127.0.0.1:${B.port}`,
          'dest-queue': queue,
          'ack-mode': 'on-confirm',
          'src-prefetch-count': PREFETCH,
          'reconnect-delay': 1,
        };
        await A.ctl('set_parameter', 'shovel', queue, JSON.stringify(def));
        return async () => {
          await A.ctl('clear_parameter', 'shovel', queue).catch(() => {});
        };
      },
    ),
  ],
};

export default suite;
