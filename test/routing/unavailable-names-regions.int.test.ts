import { randomUUID } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../../packages/amqp/src/testing/amqp-frame-proxy';
import { freePort } from '../support/ports';
import { deleteQueueAndDlq, TWO_REGIONS } from './two-regions';

/**
 * Every region fails: a (the region the job body asks for) has no broker connected (its port is
 * dead), b is the shared RabbitMQ behind a frame proxy that swallows publishes (no confirm). The
 * 503 must say which regions it tried, in order: "no region could confirm" alone left a caller
 * who pinned a region unable to tell whether that region was even tried.
 */
const queue = `unavail-${randomUUID().slice(0, 8)}`;
const brokers: { close(): Promise<void> }[] = [];
let frames: AmqpFrameProxy | undefined;

afterAll(async () => {
  await frames?.close();
  for (const b of brokers) await b.close().catch(() => {});
  await deleteQueueAndDlq(queue);
});

describe('a 503 when no region confirms', () => {
  it('names the regions tried, in the order tried, with Retry-After', async () => {
    const config = defineConfig({
      region: 'b',
      regions: TWO_REGIONS,
      queues: { [queue]: {} },
      ingest: { publishTimeoutMs: 1000 },
      tasks: [defineTask({ name: 'un.noop', queue, input: z.unknown() })],
    });
    frames = await startAmqpFrameProxy(5672);
    const a = createAmqpBroker({
      urls: [`amqp://guest:guest@127.0.0.1:${await freePort()}`],
      queues: config.queues,
    });
    const b = createAmqpBroker({ urls: [frames.url], queues: config.queues });
    brokers.push(a, b);
    a.connect().catch(() => {});
    await b.connect();
    const results = new MemoryResultStore();
    const producer = createProducer({
      config,
      publishers: new Map([
        ['a', a.publisher],
        ['b', b.publisher],
      ]),
      results,
    });
    await producer.enqueue({ task: 'un.noop', input: 0 }); // declares the queue through b
    frames.drop = (f) => f.from === 'client' && f.channel !== 0;
    const app = createIngestApp({ config, producer, results });
    const res = await app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'un.noop', input: 1, region: 'a' }),
    });
    const problem = (await res.json()) as { status: number; detail: string };
    console.log(res.status, res.headers.get('retry-after'), problem.detail);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(problem.detail).toBe('no region could confirm the publish (tried a, b)');
    frames.drop = () => false;
  }, 30_000);
});
