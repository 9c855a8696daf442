import { type ChildProcess, spawn } from 'node:child_process';
import { createProducer, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { createClient } from '@warren/sdk';
import { createWorker } from '@warren/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import config from '../warren.config';
import { freePort, waitForPort } from './support/ports';

describe('embedded stack: HTTP POST → publish → worker → result → GET', () => {
  const broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const producer = createProducer({ config, publishers: new Map([[config.region, broker]]), results });
  const app = createIngestApp({ config, producer, results });
  const worker = createWorker({ config, consumer: broker, results });
  const client = createClient({
    url: 'http://warren.test',
    fetch: (input, init) => app.request(String(input), init),
  });

  beforeAll(() => worker.start());
  afterAll(async () => {
    await worker.stop(1000);
    await broker.close();
  });

  it('runs demo.add to 5 within a second', async () => {
    const t0 = Date.now();
    const job = await client.enqueue('demo.add', { a: 2, b: 3 });
    expect(job).toMatchObject({ state: 'queued', task: 'demo.add', queue: 'default', region: 'local' });
    const rec = await client.wait(job, { timeoutMs: 1000 });
    expect(rec).toMatchObject({ state: 'succeeded', result: 5, attempts: 1 });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('ends demo.fail as failed after 3 attempts with its error recorded', async () => {
    const job = await client.enqueue('demo.fail', {});
    const rec = await client.wait(job, { timeoutMs: 10_000 });
    expect(rec).toMatchObject({ state: 'failed', attempts: 3, error: { type: 'Error', retryable: false } });
    expect(rec.error!.message).toMatch(/always fails \(attempt 3\)/);
    expect(
      broker.deadLetters('default').some((d) => d.reason.includes(job.id) || d.body.includes(job.id)),
    ).toBe(true);
  });

  it('does not start demo.echo with delayMs 1500 before 1.5 s', async () => {
    const t0 = Date.now();
    const job = await client.enqueue('demo.echo', { hi: 1 }, { delayMs: 1500 });
    expect(job.state).toBe('scheduled');
    expect((await client.get(job.id)).state).toBe('scheduled');
    const rec = await client.wait(job, { timeoutMs: 5000 });
    expect(rec).toMatchObject({ state: 'succeeded', result: { hi: 1 } });
    expect(Date.parse(rec.startedAt!) - t0).toBeGreaterThanOrEqual(1490);
  });

  it('answers 400/422/404 as problem+json naming the field', async () => {
    const post = (body: unknown) =>
      app.request('/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post({ task: 'demo.add', input: { a: 1, b: 2 }, delay: 5 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect((await bad.json()).errors).toEqual([{ path: 'delay', message: 'unknown field' }]);
    const unknown = await post({ task: 'no.such' });
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).errors[0].path).toBe('task');
    const badInput = await post({ task: 'demo.add', input: { a: 'x', b: 2 } });
    expect(badInput.status).toBe(422);
    expect((await badInput.json()).errors[0].path).toBe('input.a');
    const missing = await app.request('/v1/jobs/01920000-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('`warren dev` as a process (what `npm start` runs)', () => {
  let proc: ChildProcess;
  let port: number;
  let out = '';
  beforeAll(async () => {
    port = await freePort();
    proc = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev'], {
      env: { ...process.env, PORT: String(port), RABBITMQ_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (b) => (out += b));
    proc.stderr!.on('data', (b) => (out += b));
    await waitForPort(port, 20_000, 'warren dev');
  });
  afterAll(() => {
    proc.kill('SIGTERM');
  });

  it('prints its URL and a curl, and runs demo.add over real HTTP', async () => {
    // The port can open before the banner's last lines reach the pipe (seen on a loaded CI box).
    await vi.waitFor(() => expect(out).toContain('curl'), { timeout: 20_000 });
    expect(out).toContain(`http://localhost:${port}`);
    const client = createClient({ url: `http://127.0.0.1:${port}` });
    const rec = await client.wait(await client.enqueue('demo.add', { a: 2, b: 3 }), { timeoutMs: 2000 });
    expect(rec.result).toBe(5);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
  });
});
