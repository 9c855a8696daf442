import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BrokerRuntime, brokerFromEnv } from '../../packages/cli/src/runtime/broker-from-env';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const QUEUE = `env-${FILE_ID}-${Math.random().toString(36).slice(2, 6)}`;
const DEAD = 'amqp://guest:guest@127.0.0.1:26050'; // nothing listens here (our range)

const config = (regions: { id: string; brokers: string[] }[] = []) =>
  defineConfig({
    region: 'home',
    regions: regions.map((r, i) => ({ ...r, location: { lat: i, lon: i } })),
    tasks: [defineTask({ name: 'env.noop', queue: QUEUE, input: z.object({}) })],
  });

describe('warren runtime broker from the environment', () => {
  const runtimes: BrokerRuntime[] = [];
  afterAll(async () => {
    for (const r of runtimes) await r.close();
    const c = await amqp.connect(URL);
    const ch = await c.createChannel();
    await ch.deleteQueue(QUEUE);
    await ch.deleteQueue(`${QUEUE}.dlq`);
    await c.close();
  });

  it('uses the in-memory broker when nothing names RabbitMQ', async () => {
    const rt = await brokerFromEnv(config(), {});
    runtimes.push(rt);
    expect(rt.describe).toMatch(/in-memory/);
    expect(rt.brokers.size).toBe(0);
  });

  it('RABBITMQ_URL (several nodes, comma-separated) becomes the own region: publish and consume through it', async () => {
    // The first node is down: the adapter moves on to the next one.
    const rt = await brokerFromEnv(config(), { RABBITMQ_URL: `${DEAD},${URL}` });
    runtimes.push(rt);
    expect(rt.describe).toMatch(/RabbitMQ home=.*26050.*5672 \(own\)/);
    expect(rt.describe).not.toContain('guest:guest');
    const job = makeJob({ queue: QUEUE });
    await rt.publishers.get('home')!.publish(QUEUE, job);
    const got: string[] = [];
    const sub = await rt.consumer.consume(QUEUE, async (d) => {
      got.push(d.job.id);
      await d.ack();
    });
    await eventually(() => got.length === 1);
    await sub.close();
    expect(got).toEqual([job.id]);
    await expect(rt.checks['broker:home']!()).resolves.toMatch(/5672/);
  });

  it('config.regions[].brokers: one adapter per region, readiness per region', async () => {
    const rt = await brokerFromEnv(
      config([
        { id: 'home', brokers: [URL] },
        { id: 'far', brokers: [DEAD] },
      ]),
      {},
    );
    runtimes.push(rt);
    expect([...rt.publishers.keys()].sort()).toEqual(['far', 'home']);
    await expect(rt.checks['broker:home']!()).resolves.toBeTruthy();
    await expect(rt.checks['broker:far']!()).rejects.toThrow(/no RabbitMQ node/);
    const err = await rt.publishers
      .get('far')!
      .publish(QUEUE, makeJob({ queue: QUEUE }))
      .catch((e) => e);
    expect(err.recoverable).toBe(true);
  });

  it('refuses an unknown RABBITMQ_STRATEGY', async () => {
    await expect(
      brokerFromEnv(config(), { RABBITMQ_URL: URL, RABBITMQ_STRATEGY: 'fastest' }),
    ).rejects.toThrow(/RABBITMQ_STRATEGY/);
  });
});
