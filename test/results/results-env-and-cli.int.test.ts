import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis as Upstash } from '@upstash/redis';
import { defineConfig, MemoryResultStore, uuidv7 } from '@warren/core';
import { type RedisRestServer, RedisResultStore, serveRedisRest, TcpResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsFromEnv } from '../../packages/cli/src/runtime/results-from-env';
import { freePort } from '../support/ports';
import { deleteKeys } from './delete-keys';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Ports the OS picks: fixed ones collided with other runs on the machine.
let CLI_PORT = 0;
const prefix = `warren-test-env-${process.pid}-${Date.now().toString(36)}:`;
const config = defineConfig({ tasks: [], results: { ttlS: 321 } });
const raw = new Redis(REDIS_URL);
afterAll(() => raw.quit());

describe('results from the environment', () => {
  let server: RedisRestServer;
  beforeAll(async () => {
    server = await serveRedisRest({ port: 0, redisUrl: REDIS_URL, token: 'env-token' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('REDIS_URL → TCP store with the configured TTL and prefix', async () => {
    const rt = await resultsFromEnv(config, { REDIS_URL, WARREN_REDIS_PREFIX: prefix });
    expect(rt.results).toBeInstanceOf(TcpResultStore);
    expect(rt.describe).toMatch(/TCP/);
    const id = uuidv7();
    await rt.results.transition(id, 'queued', { task: 'demo.add' });
    expect(await raw.hget(`${prefix}job:${id}`, 'state')).toBe('queued');
    const ttl = await raw.ttl(`${prefix}job:${id}`);
    expect(ttl).toBeGreaterThan(300);
    expect(ttl).toBeLessThanOrEqual(321);
    await rt.close();
  });

  it('UPSTASH_REDIS_REST_URL + TOKEN → REST store', async () => {
    const rt = await resultsFromEnv(config, {
      UPSTASH_REDIS_REST_URL: server.url,
      UPSTASH_REDIS_REST_TOKEN: 'env-token',
      WARREN_REDIS_PREFIX: prefix,
    });
    expect(rt.results).toBeInstanceOf(RedisResultStore);
    expect(rt.results).not.toBeInstanceOf(TcpResultStore);
    const id = uuidv7();
    await rt.results.transition(id, 'queued', { task: 'demo.add' });
    expect(await raw.hget(`${prefix}job:${id}`, 'state')).toBe('queued');
    await rt.close();
  });

  it('refuses half an Upstash configuration, and falls back to memory with none', async () => {
    await expect(resultsFromEnv(config, { UPSTASH_REDIS_REST_URL: server.url })).rejects.toThrow(/both/);
    const rt = await resultsFromEnv(config, {});
    expect(rt.results).toBeInstanceOf(MemoryResultStore);
  });
});

describe('warren redis-rest (CLI)', () => {
  let child: ChildProcess;
  let out = '';
  beforeAll(async () => {
    CLI_PORT = await freePort();
    child = spawn(
      process.execPath,
      ['packages/cli/bin/warren.js', 'redis-rest', '--port', String(CLI_PORT), '--token', 'cli-token'],
      { env: { ...process.env, REDIS_URL }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const until = Date.now() + 60_000;
    while (!out.includes('token: the one from --token') && Date.now() < until) {
      if (child.exitCode !== null) throw new Error(`warren redis-rest exited: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('serves @upstash/redis over REDIS_URL and stops cleanly on SIGTERM', async () => {
    expect(out).toContain(`UPSTASH_REDIS_REST_URL=http://127.0.0.1:${CLI_PORT}`);
    const r = new Upstash({
      url: `http://127.0.0.1:${CLI_PORT}`,
      token: 'cli-token',
      retry: false,
      enableTelemetry: false,
    });
    const key = `${prefix}cli`;
    await r.set(key, 'through the CLI', { ex: 60 });
    expect(await raw.get(key)).toBe('through the CLI');
    const wrong = new Upstash({
      url: `http://127.0.0.1:${CLI_PORT}`,
      token: 'nope',
      retry: false,
      enableTelemetry: false,
    });
    await expect(wrong.get(key)).rejects.toThrow(/Unauthorized/);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});

afterAll(() => deleteKeys(REDIS_URL, prefix));
