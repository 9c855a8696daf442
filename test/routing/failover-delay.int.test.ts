import { randomUUID } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

// Region a reaches the shared broker through a proxy that stops passing bytes (a region that
// accepts the publish and never confirms: the publish times out); region b is the shared broker.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `h58-fo-delay-${randomUUID().slice(0, 8)}`;
const brokers: { close(): Promise<void> }[] = [];
let proxy: TcpProxy | undefined;

afterAll(async () => {
  proxy?.cut();
  await proxy?.close();
  for (const b of brokers) await b.close().catch(() => {});
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of [queue, `${queue}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

describe('a delayed job that fails over to another region', () => {
  it('runs when it was asked to, not later by the time the first region took to fail', async () => {
    const config = defineConfig({
      region: 'a',
      queues: { [queue]: {} },
      ingest: { publishTimeoutMs: 2000 },
      tasks: [defineTask({ name: 'h58.noop', queue, input: z.unknown(), handler: () => null })],
    });
    proxy = await startTcpProxy(5672);
    const a = createAmqpBroker({
      urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`],
      queues: config.queues,
    });
    const b = createAmqpBroker({ urls: [URL], queues: config.queues });
    brokers.push(a, b);
    await Promise.all([a.connect(), b.connect()]);
    const ran: number[] = [];
    await b.consumer.consume(
      queue,
      async (d) => {
        ran.push(Date.now());
        await d.ack();
      },
      { prefetch: 4 },
    );
    proxy.delayMs = 2_000_000_000; // from now on nothing a publishes reaches the broker
    const producer = createProducer({
      config,
      publishers: new Map([
        ['a', a.publisher],
        ['b', b.publisher],
      ]),
      results: new MemoryResultStore(),
      router: { order: () => ['a', 'b'], report: () => {} },
    });
    const asked = Date.now();
    const out = await producer.enqueue({ task: 'h58.noop', input: {}, delayMs: 3000 });
    expect(out.response.region).toBe('b');
    expect(Date.now() - asked).toBeGreaterThanOrEqual(1900); // a's publish timed out first
    const until = Date.now() + 10_000;
    while (ran.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(ran).toHaveLength(1);
    const late = ran[0]! - (asked + 3000);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1000);
  }, 30_000);
});
