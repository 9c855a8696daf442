import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from './support';

// `warren forward --from --queue --to` (an ad-hoc link) on the shared broker (:5672, unique
// names). A classic source queue's missing <queue>.dlq was declared quorum (the link knew no
// type), after which warren's own declare of that queue failed for good
// (QueueArgumentsMismatchError), as 7c4c619 found for config links and 033aa87 for the drain.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const ROOT = resolve(import.meta.dirname, '../..');
const sfx = randomUUID().slice(0, 8);
const made: string[] = [];

afterAll(async () => {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of made) for (const name of [q, `${q}.dlq`]) await ch.deleteQueue(name).catch(() => {});
  await conn.close();
});

/** A classic source queue (with `args`, as warren declares it) holding one message past the hop limit. */
async function classicSource(name: string, args: Record<string, unknown> = {}): Promise<string> {
  const q = `fwd-cli-type-${name}-${sfx}`;
  made.push(q, `${q}-dst`);
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'classic', ...args } });
  await ch.assertQueue(`${q}-dst`, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  const hops = Array.from({ length: 40 }, (_, i) => `from=r${i};to=r${i + 1};at=${Date.now()}`);
  ch.sendToQueue(q, Buffer.from('{}'), { persistent: true, headers: { 'x-warren-forwarded': hops } });
  await ch.waitForConfirms();
  await conn.close();
  return q;
}

/** Runs the ad-hoc link until its one message is dead-lettered; returns what it printed. */
async function forwardOnce(q: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      'packages/cli/bin/warren.js',
      'forward',
      '--from',
      URL,
      '--queue',
      q,
      '--to',
      URL,
      '--to-queue',
      `${q}-dst`,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await until(async () => (await dlqDepth(`${q}.dlq`)) === 1, 90_000, 'dead-lettered');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return out;
}

/** Ready messages in `queue`, 0 while it does not exist. */
async function dlqDepth(queue: string): Promise<number> {
  const conn = await amqp.connect(URL);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    return await ch.checkQueue(queue).then(
      (r) => r.messageCount,
      () => 0,
    );
  } finally {
    await conn.close();
  }
}

/** The queue's type, as a declare with only x-queue-type finds it (its other arguments unset). */
async function typeOf(queue: string): Promise<string> {
  const conn = await amqp.connect(URL);
  try {
    for (const t of ['classic', 'quorum']) {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      const ok = await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': t } }).then(
        () => true,
        () => false,
      );
      if (ok) return t;
    }
    return 'unknown';
  } finally {
    await conn.close();
  }
}

describe('warren forward ad-hoc: a classic source queue gets a classic DLQ', () => {
  it('told by the broker when no config names the queue', async () => {
    const q = await classicSource('probe');
    const out = await forwardOnce(q);
    expect(await typeOf(`${q}.dlq`)).toBe('classic');
    expect(out).toContain(`source queue ${q} is classic (the broker)`);
  }, 120_000);

  it("from the config's queue when the broker cannot tell (a priority queue)", async () => {
    // x-max-priority makes the probing declare fail on that argument first: only the config knows.
    const q = await classicSource('config', { 'x-max-priority': 10 });
    const out = await forwardOnce(q, {
      WARREN_CONFIG: 'test/forwarder/fx-classic-queue.config.ts',
      FX_FWD_CLASSIC_QUEUE: q,
    });
    expect(await typeOf(`${q}.dlq`)).toBe('classic');
    expect(out).toContain(`source queue ${q} is classic (the config)`);
  }, 120_000);
});
