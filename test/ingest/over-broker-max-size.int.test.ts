import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, uuidv7 } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { createClient, WarrenHttpError } from '@warren/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { RabbitHarness, type RabbitNode } from '../support/rabbit-nodes';

/**
 * A job within the ingest's body limit but over the broker's max_message_size (RabbitMQ 3.x:
 * 128 MiB, 4.x: 16 MiB; 1 MiB on this private node) can never be published: RabbitMQ refuses it
 * (406, closing the channel). It was answered 503 'broker unavailable' with Retry-After, which
 * the SDK retried, sending the same too-large job each time. Real Redis (:6379) for the records.
 */
const MAX = 1024 * 1024;
const RUN = `obm-${uuidv7().slice(-8)}`;
const Q = `${RUN}-q`;
const config = defineConfig({
  queues: { [Q]: { type: 'classic' } },
  ingest: { bodyLimitBytes: 4 * MAX },
  tasks: [defineTask({ name: 'obm.echo', queue: Q, input: z.unknown(), handler: (x) => x })],
});

describe('a job over the broker max_message_size (private node)', () => {
  const harness = new RabbitHarness();
  const redis = new Redis('redis://127.0.0.1:6379');
  let node: RabbitNode;
  let broker: AmqpBroker;
  let server: Awaited<ReturnType<typeof serveNode>>;
  let url = '';

  beforeAll(async () => {
    [node] = (await harness.start([{ name: 'warren-ingest-maxsize', port: 26597 }])) as [RabbitNode];
    // Read by each channel as it opens: set before the broker connects.
    await node.erl(`application:set_env(rabbit, max_message_size, ${MAX})`);
    broker = createAmqpBroker({
      urls: [node.url],
      queues: config.queues,
      delayTiersMs: [1000],
      delayTierType: 'classic',
      healthIntervalMs: 0,
    });
    await broker.connect();
    const results = createRedisResultStore({ redis, prefix: `${RUN}:` });
    const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
    const port = await freePort();
    server = await serveNode(createIngestApp({ config, producer, results }), port, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  }, 180_000);

  afterAll(async () => {
    server?.close();
    await broker?.close().catch(() => {});
    await harness.stopAll();
    const keys = await redis.keys(`${RUN}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }, 120_000);

  const big = { s: 'x'.repeat(2 * MAX) };

  it('is a 413 naming the broker limit, not a 503 to retry; the SDK sends it once', async () => {
    const res = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'obm.echo', input: big }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /larger than the broker's max_message_size \(1048576 bytes\)/,
    );
    let posts = 0;
    const client = createClient({
      url,
      fetch: (u, init) => {
        if (init.method === 'POST') posts++;
        return fetch(u, init);
      },
    });
    const err = await client.enqueue('obm.echo', big).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect((err as WarrenHttpError).status).toBe(413);
    expect(posts).toBe(1);
    // The channel is replaced: a job within the limit goes on.
    const ok = await client.enqueue('obm.echo', { s: 'small' });
    expect(ok.state).toBe('queued');
    expect((await broker.checkQueue(Q)).messageCount).toBe(1);
  }, 60_000);
});
