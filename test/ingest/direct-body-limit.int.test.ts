import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createUpstashResultStore, type RedisRestServer, serveRedisRest } from '@warren/results';
import { createClient, WarrenHttpError } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drainQueue, REDIS_URL, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * The direct client holds a job to the ingest's body limit (default 256 KiB), on real RabbitMQ
 * and a result store over Upstash REST (the bundled stand-in over real Redis, with Upstash's 10 MB
 * request limit). Unlimited, a 5 MB input of quotes (its record write escapes to ~20 MB) was
 * published and answered `queued`; its record write was refused, `wait` answered 404 "no job",
 * and the worker failed the job into the DLQ: a job that could never be recorded.
 */
const RUN = `dbl${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-q`;
const echo = defineTask({ name: 'dbl.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x });
const config = defineConfig({ queues: { [QUEUE]: {} }, tasks: [echo] });
const HUGE = '"'.repeat(5 * 1024 * 1024);

describe('direct client: the body limit of the ingest (real RabbitMQ, Upstash REST store)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let rest: RedisRestServer;
  let direct: (limit?: number) => ReturnType<typeof createDirectClient>;

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    rest = await serveRedisRest({ port: 0, redisUrl: REDIS_URL, token: 't' });
    // Records under the ingest's prefix, which its close removes.
    const results = createUpstashResultStore({ url: rest.url, token: 't', prefix: `${RUN}:` });
    direct = (bodyLimitBytes) =>
      createDirectClient({ config, publishers: ingest.publishers, results, bodyLimitBytes });
  }, 60_000);
  afterAll(async () => {
    await rest?.close();
    await ingest?.close();
  });

  it('a 5 MB input is refused up front with the 413 the ingest answers, nothing published', async () => {
    const err = await direct()
      .enqueue(echo, HUGE)
      .catch((e: unknown) => e);
    const viaIngest = await createClient({ url: ingest.url })
      .enqueue(echo, HUGE)
      .catch((e: unknown) => e);
    expect(viaIngest).toMatchObject({ status: 413 });
    expect(err).toBeInstanceOf(WarrenHttpError);
    const { type, title, status, detail } = (viaIngest as WarrenHttpError).problem!;
    expect((err as WarrenHttpError).problem).toMatchObject({ type, title, status, detail });
    expect((err as Error).message).toMatch(/the job is \d{8} bytes, over the 262144-byte limit of one job/);
    await new Promise((r) => setTimeout(r, 200)); // queue reads lag a confirm slightly
    expect(await drainQueue(QUEUE)).toEqual([]);
  });

  it('enqueueMany answers that job 413 on its own, as the ingest batch does; the other is published', async () => {
    const out = await direct().enqueueMany([
      { task: echo, input: HUGE },
      { task: echo, input: 'small' },
    ]);
    expect(out.map((r) => r.status)).toEqual([413, 202]);
    await new Promise((r) => setTimeout(r, 200));
    expect((await drainQueue(QUEUE)).map((j) => j.input)).toEqual(['small']);
  });

  it('the limit is config.ingest.bodyLimitBytes, or the bodyLimitBytes option', async () => {
    const input = 'x'.repeat(300 * 1024);
    await expect(direct().enqueue(echo, input)).rejects.toMatchObject({ status: 413 });
    const raised = { ...config, ingest: { ...config.ingest, bodyLimitBytes: 1024 * 1024 } };
    const results = createUpstashResultStore({ url: rest.url, token: 't', prefix: `${RUN}:` });
    const viaConfig = createDirectClient({ config: raised, publishers: ingest.publishers, results });
    const a = await viaConfig.enqueue(echo, input);
    const b = await direct(1024 * 1024).enqueue(echo, input);
    for (const job of [a, b]) expect((await viaConfig.get(job.id)).input).toBe(input);
    await new Promise((r) => setTimeout(r, 200));
    expect((await drainQueue(QUEUE)).length).toBe(2);
  });
});
