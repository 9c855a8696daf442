import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { uuidv7 } from '@warren/core';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const KEY = 'fx-cli-key-0123456789abcdef';
const RUN = `fx-lp-${uuidv7().slice(-8)}`;
const PORT = 18794;
const base = `http://127.0.0.1:${PORT}`;
const auth = { authorization: `Bearer ${KEY}` };

afterAll(async () => {
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  for (const q of [RUN, `${RUN}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('warren ingest shutdown with a long-poll open', () => {
  it('SIGTERM does not wait out a GET ?wait=30s: exits 0 within seconds', async () => {
    const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'ingest', '--port', String(PORT)], {
      cwd: ROOT,
      env: {
        ...process.env,
        WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-queue.config.ts'),
        FX_QUEUE: RUN,
        WARREN_API_KEYS: KEY,
        WARREN_REDIS_PREFIX: `${RUN}:`,
        RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
        REDIS_URL: 'redis://127.0.0.1:6379',
      },
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      await new Promise<void>((ready, fail) => {
        const on = (b: Buffer) => {
          out += b;
          if (out.includes('/dashboard#key')) ready(); // its last start-up line
        };
        child.stdout.on('data', on);
        child.stderr.on('data', on);
        child.once('exit', () => fail(new Error(out)));
      });
      const res = await fetch(`${base}/v1/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'fx.idle', input: 1 }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      // Nothing runs fx.idle: this long-poll would last its whole 30 s.
      const poll = fetch(`${base}/v1/jobs/${id}?wait=30s`, { headers: auth }).then(
        (r) => r.status,
        () => 'closed',
      );
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      const tookMs = Date.now() - t0;
      expect({ code, fast: tookMs < 15_000 }, `took ${tookMs} ms:\n${out}`).toEqual({ code: 0, fast: true });
      expect(await poll).toBeDefined();
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
