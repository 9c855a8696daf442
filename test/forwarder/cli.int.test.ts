import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, depth, freshQueue, publishMany, until } from './support';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const src = `fwd-cli-src-${sfx}`;
const dst = `fwd-cli-dst-${sfx}`;

afterAll(async () => {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [src, dst, `${src}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('warren forward (CLI, ad-hoc link)', () => {
  it('moves the queue, serves /metrics with per-link status, exits cleanly on SIGTERM', async () => {
    await freshQueue(URL, src);
    await freshQueue(URL, dst);
    await publishMany(URL, src, 500, 'cli');
    await publishPoison();
    const root = resolve(import.meta.dirname, '../..');
    const child = spawn(
      process.execPath,
      [
        'packages/cli/bin/warren.js',
        'forward',
        '--from',
        URL,
        '--queue',
        src,
        '--to',
        URL,
        '--to-queue',
        dst,
        '--prefetch',
        '100',
        '--metrics-port',
        '27091',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await until(async () => (await depth(URL, dst)) === 500, 60_000, 'all forwarded');
      expect(await depth(URL, src)).toBe(0);
      let metrics = '';
      await until(
        async () => {
          metrics = await fetch('http://127.0.0.1:27091/metrics')
            .then((r) => r.text())
            .catch(() => '');
          return (
            /warren_forwarder_forwarded_total\{[^}]*\} 500/.test(metrics) &&
            /warren_forwarder_dead_lettered_total\{[^}]*\} 1/.test(metrics)
          );
        },
        30_000,
        '/metrics shows 500 forwarded and 1 dead-lettered',
      );
      expect(metrics).not.toContain('guest');
      expect(metrics).toMatch(/warren_forwarder_restarts_total\{[^}]*\} 0/);
      expect(out).toContain(`${src}->${dst}`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect((await collect(URL, dst, 500, 10_000)).ids.size).toBe(500);
  }, 120_000);
});

/** A message that claims more hops than a link forwards: the link dead-letters it with the reason. */
async function publishPoison(): Promise<void> {
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  const hops = Array.from({ length: 40 }, (_, i) => `from=r${i};to=r${i + 1};at=${Date.now()}`);
  ch.sendToQueue(src, Buffer.from('{}'), { persistent: true, headers: { 'x-warren-forwarded': hops } });
  await ch.waitForConfirms();
  await conn.close();
}
