import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import {
  createRedisResultStore,
  createUpstashResultStore,
  type RedisRestServer,
  serveRedisRest,
} from '@warren/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForPort } from '../support/ports';

// This helper's range is 26300-26399: a private redis-server the test may stop and start.
const REDIS_PORT = 26320;
const REST_PORT = 26321;
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;

/**
 * AOF with fsync on every write, so what Redis acknowledged survives the restart and the test can
 * tell "written" from "lost" (with `--save ''` and no AOF a restart would wipe everything).
 */
function startRedis(dir: string): ChildProcess {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(REDIS_PORT),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const creation = { task: 'demo.add', queue: 'default', input: { a: 1 }, ttlS: 600 };

describe('Redis restarted mid-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-redis-restart-'));
  let redis: ChildProcess;
  let server: RedisRestServer;
  const tcp = createRedisResultStore({ redis: REDIS_URL, prefix: 'warren:' });
  let rest: ReturnType<typeof createUpstashResultStore>;

  beforeAll(async () => {
    redis = startRedis(dir);
    await waitForPort(REDIS_PORT, 15_000, 'redis-server (restart test)');
    server = await serveRedisRest({ port: REST_PORT, redisUrl: REDIS_URL, token: 't' });
    rest = createUpstashResultStore({ url: server.url, token: 't', retry: false });
  });
  afterAll(async () => {
    await tcp.close();
    await server?.close();
    if (redis) await stopRedis(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects writes during the outage, loses nothing, and works again after the restart', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    expect((await tcp.transition(a, 'running', { ...creation, owner: 'w', attempts: 1 })).ok).toBe(true);
    expect((await rest.transition(b, 'running', { ...creation, owner: 'w', attempts: 1 })).ok).toBe(true);

    await stopRedis(redis);

    // A worker finishing its job now must see an error (so it does not ack), never a silent success.
    for (const [store, id] of [
      [tcp, a],
      [rest, b],
    ] as const) {
      const err = await store.transition(id, 'succeeded', { owner: 'w', result: 'during-outage' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).recoverable).toBe(true);
      await expect(store.get(id)).rejects.toBeInstanceOf(TransportError);
    }

    redis = startRedis(dir);
    await waitForPort(REDIS_PORT, 15_000, 'redis-server (restarted)');

    // Both stores come back by themselves (ioredis reconnects; REST has no connection to keep).
    await eventually(async () => (await tcp.get(a).catch(() => undefined))?.state === 'running', 15_000, 100);
    await eventually(
      async () => (await rest.get(b).catch(() => undefined))?.state === 'running',
      15_000,
      100,
    );

    // The rejected writes did not land later behind our back (no resend after reconnect)...
    expect(await rest.get(a)).toMatchObject({ state: 'running' });
    expect(await tcp.get(b)).toMatchObject({ state: 'running' });
    // ...and the redelivered jobs finish now, each through the other transport.
    expect(await rest.transition(a, 'succeeded', { owner: 'w', result: 'after' })).toMatchObject({
      ok: true,
    });
    expect(await tcp.transition(b, 'succeeded', { owner: 'w', result: 'after' })).toMatchObject({ ok: true });
    expect(await tcp.get(a)).toMatchObject({ state: 'succeeded', result: 'after' });
    expect(await rest.get(b)).toMatchObject({ state: 'succeeded', result: 'after' });
    // Scripts were flushed by the restart: EVALSHA fell back to EVAL on both transports.
    const c = uuidv7();
    expect((await tcp.transition(c, 'queued', creation)).ok).toBe(true);
    expect((await rest.transition(c, 'cancelled', {})).ok).toBe(true);
  });
});
