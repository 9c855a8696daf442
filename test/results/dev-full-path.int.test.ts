import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { type RedisRestServer, serveRedisRest } from '@warren/results';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from './delete-keys';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Own vhost on the shared broker: other processes consume the shared `default` queue.
const VHOST = `warren-results-${process.pid}`;
const RABBITMQ_URL = `amqp://guest:guest@127.0.0.1:5672/${VHOST}`;
const RUN = `warren-test-dev-${process.pid}-${Date.now().toString(36)}`;
const PORTS = { tcpDev: 26313, restDev: 26314, rest: 26315 }; // this helper's range: 26300-26399

async function startDev(
  port: number,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; log: () => string }> {
  let out = '';
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev', '--port', String(port)], {
    env: { ...process.env, RABBITMQ_URL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`warren dev exited: ${out}`);
      // Ready, and the start-up banner (printed after listen) is out.
      if (!out.includes('results:')) return false;
      return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok;
    },
    60_000,
    200,
  ).catch((err) => {
    child.kill('SIGKILL');
    throw new Error(`warren dev did not get ready: ${(err as Error).message}\n${out}`);
  });
  return { child, log: () => out };
}

async function stopDev(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function enqueueAndRead(port: number, raw: Redis, prefix: string) {
  const res = await fetch(`http://127.0.0.1:${port}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ task: 'demo.add', input: { a: 20, b: 22 } }),
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const key = `${prefix}job:${id}`;
  const hash = await eventually(async () => {
    const h = await raw.hgetall(key);
    return h.state === 'succeeded' ? h : undefined;
  }, 20_000);
  return { id, hash, ttl: await raw.ttl(key) };
}

describe('warren dev on real RabbitMQ and Redis', () => {
  const raw = new Redis(REDIS_URL);
  let rest: RedisRestServer;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    execFileSync('rabbitmqctl', ['add_vhost', VHOST], { stdio: 'ignore' });
    execFileSync('rabbitmqctl', ['set_permissions', '-p', VHOST, 'guest', '.*', '.*', '.*'], {
      stdio: 'ignore',
    });
    rest = await serveRedisRest({ port: PORTS.rest, redisUrl: REDIS_URL, token: 'dev-token' });
  });
  // Each test's worker must be gone before the next starts: it would take the next test's job.
  afterEach(async () => {
    for (const c of children.splice(0)) await stopDev(c);
  });
  afterAll(async () => {
    await rest?.close();
    await raw.quit();
    execFileSync('rabbitmqctl', ['delete_vhost', VHOST], { stdio: 'ignore' });
  });

  it('REDIS_URL: the job record lands in warren:job:<id> with a TTL', async () => {
    const prefix = `${RUN}-${uuidv7()}:`;
    const { child, log } = await startDev(PORTS.tcpDev, { REDIS_URL, WARREN_REDIS_PREFIX: prefix });
    children.push(child);
    expect(log()).toMatch(/results: redis .*TCP/);
    const { hash, ttl } = await enqueueAndRead(PORTS.tcpDev, raw, prefix);
    expect(hash).toMatchObject({ state: 'succeeded', task: 'demo.add', result: '42', attempts: '1' });
    expect(ttl).toBeGreaterThan(86_000);
  });

  it('UPSTASH_REDIS_REST_URL/TOKEN: the same record through the REST endpoint', async () => {
    const prefix = `${RUN}-${uuidv7()}:`;
    const { child, log } = await startDev(PORTS.restDev, {
      REDIS_URL: '',
      UPSTASH_REDIS_REST_URL: rest.url,
      UPSTASH_REDIS_REST_TOKEN: 'dev-token',
      WARREN_REDIS_PREFIX: prefix,
    });
    children.push(child);
    expect(log()).toMatch(/results: upstash REST/);
    const { hash, ttl } = await enqueueAndRead(PORTS.restDev, raw, prefix);
    expect(hash).toMatchObject({ state: 'succeeded', task: 'demo.add', result: '42' });
    expect(ttl).toBeGreaterThan(86_000);
  });
});

afterAll(() => deleteKeys(REDIS_URL, RUN));
