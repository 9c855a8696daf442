import { randomBytes } from 'node:crypto';
import { connectAmqp } from '../lib/amqp-connect';
import { AMQP_URL, REDIS_URL } from '../lib/machine';
import { interrupted, onInterrupt } from '../lib/run-end';

export { AMQP_URL, REDIS_URL };

/** Epoch milliseconds with sub-ms resolution, comparable across processes on one host. */
export const now = () => performance.timeOrigin + performance.now();

const named = new Set<string>();

/** A fresh name per side and round so rounds never see each other's messages or keys. */
export const uniqueName = (side: string) => {
  if (interrupted()) throw new Error('the run was interrupted');
  const name = `bench.${side}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  if (named.size === 0) onInterrupt(() => deleteNamed([...named]));
  named.add(name);
  return name;
};

/**
 * A stopped run: every queue (and `.dlq`) named this run, and every Redis key that carries one of
 * the names (warren's `<name>:…`, BullMQ's `bull:<name>:…`, Celery's `celery-task-meta-<name>-…`).
 */
async function deleteNamed(names: string[]): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  try {
    for (const name of names) {
      await deleteAmqpQueue(name).catch(() => {});
      await deleteKeys(redis, `*${name}*`);
    }
  } finally {
    redis.disconnect();
  }
}

export interface Round {
  /** Queue (RabbitMQ) or queue name (BullMQ) for this round. */
  queue: string;
  /** Redis key prefix for this round's results. */
  prefix: string;
}

export const newRound = (side: string): Round => {
  const name = uniqueName(side);
  return { queue: name, prefix: name };
};

/** The no-op task every side runs: add(a, b). `t0` (enqueue time) rides along for latency. */
export interface AddInput {
  a: number;
  b: number;
  t0?: number;
}

export async function deleteAmqpQueue(queue: string): Promise<void> {
  const conn = await connectAmqp();
  try {
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    // warren declares `<queue>.dlq` with every work queue; left behind, they pile up run after run.
    await ch.deleteQueue(`${queue}.dlq`);
    // Celery declares a direct exchange named after each queue it uses (kombu's default); left
    // behind, one per bench round piles up on the shared broker. Deleting a missing one is a no-op.
    await ch.deleteExchange(queue);
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Deletes every key under `prefix` (SCAN + UNLINK in batches). */
export async function deleteKeys(redis: import('ioredis').Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
    cursor = next;
    if (keys.length) n += await redis.unlink(...keys);
  } while (cursor !== '0');
  return n;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Runs `send(i)` for i in [0, n) with at most `window` unresolved at once: many publishes
 * in flight, as every honest producer does (a confirm round trip per message otherwise caps
 * throughput at ~1.5k/s here).
 */
export async function inFlight(
  n: number,
  window: number,
  send: (i: number) => Promise<unknown>,
  tick?: (n: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  let failed: unknown;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (next < n && next - done < window && failed === undefined) {
        const i = next++;
        send(i).then(
          () => {
            done++;
            if (tick && done % 100 === 0) tick(100);
            if (done === n) resolve();
            else pump();
          },
          (err) => {
            failed = err;
            reject(err);
          },
        );
      }
    };
    if (n === 0) resolve();
    else pump();
  });
}

/** Sends `rate` jobs per second for `durationMs` (in 10 ms ticks) without waiting for acks in between. */
export async function atRate(
  rate: number,
  durationMs: number,
  send: (i: number) => Promise<unknown>,
): Promise<number> {
  const total = Math.round((rate * durationMs) / 1000);
  const started = now();
  const pending: Promise<unknown>[] = [];
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((now() - started) * rate) / 1000) + 1);
    while (i < due) pending.push(send(i++));
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(pending);
  return total;
}
