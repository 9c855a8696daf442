import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, type Publisher } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore, type TcpResultStore } from '@warren/results';
import { createClient, WarrenHttpError } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';

/**
 * The SDK's two clients waiting on a job while its result store is down for a moment (a restart,
 * a failover): the HTTP client's polls get 503s and are retried within the wait; the direct
 * client says it fails and retries as the HTTP client does. Real RabbitMQ (:5672), a private
 * redis-server (AOF, so the record survives its restart), a real ingest.
 */
const RUN = `h55sdk${process.pid}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: { type: 'classic' } },
  tasks: [defineTask({ name: 'sw.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SDK wait through a result store outage (real RabbitMQ, private Redis, real ingest)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'h55-sdk-wait-'));
  let redis: PrivateRedis;
  let broker: AmqpBroker;
  let results: TcpResultStore;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let url = '';
  let publishers: Map<string, Publisher>;

  beforeAll(async () => {
    redis = await startPrivateRedis('sdk wait outage', {
      args: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir],
    });
    broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
    await broker.connect();
    results = createRedisResultStore({ redis: redis.url, prefix: `${RUN}:` });
    publishers = new Map([['local', broker.publisher]]);
    const producer = createProducer({ config, publishers, results });
    server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    server?.close();
    await results?.close();
    await broker?.close();
    await cleanUpRun(QUEUE, undefined, '');
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Once the store's connection is back (ioredis retries every ≤ 1 s; a command meanwhile fails fast). */
  async function reconnected() {
    for (let i = 0; i < 50 && !(await results.redis.ping().then(Boolean, () => false)); i++) await sleep(100);
  }

  // Enough tries to outlast a 1.5 s outage (the default 4 may all fall within it).
  const retry = { attempts: 20, baseMs: 200, maxMs: 1000 };

  /** A job, waited on by `wait` from within a 1.5 s Redis outage, then finished. */
  async function waitThroughOutage(wait: (id: string) => Promise<{ state: string }>) {
    const direct = createDirectClient({ config, publishers, results });
    const job = await direct.enqueue('sw.echo', 1);
    await redis.stop();
    const waiting = wait(job.id).catch((e: unknown) => e);
    await sleep(1_500);
    await redis.start();
    await reconnected();
    // As a worker would: run it and record its result.
    await results.transition(job.id, 'running', { owner: 'w' });
    await results.transition(job.id, 'succeeded', { owner: 'w', result: 1 });
    return waiting;
  }

  it('the HTTP client rides it out (its polls answered 503 are retried)', async () => {
    const http = createClient({ url, retry });
    expect(await waitThroughOutage((id) => http.wait(id, { timeoutMs: 15_000 }))).toMatchObject({
      state: 'succeeded',
    });
  }, 30_000);

  it('the direct client rides it out too', async () => {
    const direct = createDirectClient({ config, publishers, results, retry });
    expect(await waitThroughOutage((id) => direct.wait(id, { timeoutMs: 15_000 }))).toMatchObject({
      state: 'succeeded',
    });
  }, 30_000);

  it("the direct client's get fails as the HTTP client's: a 503 WarrenHttpError", async () => {
    const direct = createDirectClient({ config, publishers, results, retry: { attempts: 2 } });
    const job = await direct.enqueue('sw.echo', 2);
    await redis.stop();
    try {
      const err = await direct.get(job.id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WarrenHttpError);
      expect(err).toMatchObject({ status: 503 });
    } finally {
      await redis.start();
      await reconnected();
    }
    expect(await direct.get(job.id)).toMatchObject({ state: 'queued' });
  }, 30_000);
});
