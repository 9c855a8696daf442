import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { LinkSpec } from '@warren/forwarder';
import amqp from 'amqplib';

/** A warren envelope body for message `i`, padded to about `bytes`. */
export function envelope(id: string, bytes = 200, extra: Record<string, unknown> = {}): Buffer {
  const base = {
    v: 1,
    id,
    task: 'bench.noop',
    queue: 'q',
    attempt: 1,
    maxAttempts: 3,
    origin: 'A',
    hops: [],
  };
  const pad = Math.max(0, bytes - JSON.stringify(base).length - 30);
  return Buffer.from(JSON.stringify({ ...base, input: { pad: 'x'.repeat(pad) }, ...extra }));
}

/** Declares a durable quorum queue (warren's default), deleting any leftover first. */
export async function freshQueue(
  url: string,
  queue: string,
  type: 'quorum' | 'classic' = 'quorum',
): Promise<void> {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  await ch.deleteQueue(queue).catch(() => {});
  await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': type } });
  await conn.close();
}

/** Publishes ids `prefix-0 .. prefix-(n-1)` as persistent envelopes with confirms, many in flight. */
export async function publishMany(
  url: string,
  queue: string,
  n: number,
  prefix: string,
  bytes = 200,
): Promise<void> {
  const conn = await amqp.connect(url);
  const ch = await conn.createConfirmChannel();
  const window = 2000;
  for (let start = 0; start < n; start += window) {
    const end = Math.min(n, start + window);
    for (let i = start; i < end; i++) {
      const id = `${prefix}-${i}`;
      ch.sendToQueue(queue, envelope(id, bytes), {
        persistent: true,
        messageId: id,
        type: 'bench.noop',
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000),
      });
    }
    await ch.waitForConfirms();
  }
  await conn.close();
}

/** Exact ready count with a passive declare (list_queues lags for quorum queues). */
export async function depth(url: string, queue: string): Promise<number> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    return (await ch.checkQueue(queue)).messageCount;
  } finally {
    await conn.close();
  }
}

/** Consumes everything from a queue until `expected` distinct ids were seen (or timeout); counts duplicates. */
export async function collect(
  url: string,
  queue: string,
  expected: number,
  timeoutMs: number,
): Promise<{ ids: Set<string>; duplicates: number; messages: amqp.ConsumeMessage[] }> {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  await ch.prefetch(2000);
  const ids = new Set<string>();
  const messages: amqp.ConsumeMessage[] = [];
  let duplicates = 0;
  await new Promise<void>((done) => {
    const t = setTimeout(done, timeoutMs);
    void ch.consume(queue, (m) => {
      if (!m) return;
      const id = String(m.properties.messageId);
      if (ids.has(id)) duplicates++;
      else ids.add(id);
      if (messages.length < 50) messages.push(m);
      ch.ack(m);
      if (ids.size >= expected) {
        clearTimeout(t);
        done();
      }
    });
  });
  await conn.close();
  return { ids, duplicates, messages };
}

const RUNNER = resolve(import.meta.dirname, 'run-link.ts');

/** Runs one link in a child process (`tsx run-link.ts <spec>`) so tests can kill -9 it. */
export function spawnLink(spec: LinkSpec): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: resolve(import.meta.dirname, '../..'),
  });
  child.stdout?.on('data', () => {});
  child.stderr?.on('data', (d) => process.env.FORWARDER_TEST_DEBUG && process.stderr.write(d));
  return child;
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(
  pred: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}
