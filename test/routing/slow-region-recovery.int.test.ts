import { randomUUID } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import { createGeoRouter, createProducer, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { deleteQueueAndDlq, SHARED_AMQP_URL, TWO_REGIONS } from './two-regions';

/**
 * Region a (the ingest's own, nearest) is the shared RabbitMQ behind a delaying proxy; region b is
 * the shared RabbitMQ. A 2 s stall of a (1 s each way) while a burst waits on it: every confirm of
 * the burst arrives ~2 s late and the latency EWMA rightly demotes a behind b. Once a confirms
 * fast again, its re-measure says so: a must be used again then, not after the ~15 more
 * re-measures (one per reprobeMs, 5 s by default: over a minute) that 20 % steps took to bring the
 * EWMA back down.
 */
const queue = `slow-back-${randomUUID().slice(0, 8)}`;
const brokers: { close(): Promise<void> }[] = [];
let proxy: TcpProxy | undefined;

afterAll(async () => {
  proxy?.cut();
  await proxy?.close();
  for (const b of brokers) await b.close().catch(() => {});
  await deleteQueueAndDlq(queue);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a region demoted as slow after a stall', () => {
  it('is used again at its first fast re-measure', async () => {
    const config = defineConfig({
      region: 'a',
      regions: TWO_REGIONS,
      queues: { [queue]: {} },
      ingest: { publishTimeoutMs: 8000 },
      tasks: [defineTask({ name: 'sb.noop', queue, input: z.unknown() })],
    });
    proxy = await startTcpProxy(5672);
    const a = createAmqpBroker({
      urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`],
      queues: config.queues,
    });
    const b = createAmqpBroker({ urls: [SHARED_AMQP_URL], queues: config.queues });
    brokers.push(a, b);
    await Promise.all([a.connect(), b.connect()]);
    // The producer's own router, re-measuring a demoted region every 200 ms instead of 5 s.
    const router = createGeoRouter({ regions: config.regions, home: 'a', reprobeMs: 200 });
    const producer = createProducer({
      config,
      publishers: new Map([
        ['a', a.publisher],
        ['b', b.publisher],
      ]),
      results: new MemoryResultStore(),
      router,
    });
    const send = async (region?: string) =>
      (await producer.enqueue({ task: 'sb.noop', input: {} }, { region })).response.region;
    for (let i = 0; i < 6; i++) for (const r of ['a', 'b']) expect(await send(r)).toBe(r);
    const slowA = () => router.status().find((s) => s.id === 'a')!.slow;
    expect(slowA()).toBe(false);

    proxy.delayMs = 1000;
    const burst = await Promise.all(Array.from({ length: 20 }, () => send()));
    proxy.delayMs = 0;
    expect(burst.every((r) => r === 'a')).toBe(true);
    expect(slowA()).toBe(true);

    // a answers fast again: each send (250 ms apart, past reprobeMs) is a's re-measure while a
    // stays demoted.
    const landed: string[] = [];
    for (let i = 0; i < 30 && slowA(); i++) {
      await sleep(250);
      landed.push(await send());
    }
    console.log(`after the stall: ${landed.join(' ')}; ${JSON.stringify(router.status())}`);
    expect(slowA()).toBe(false);
    // Before: 13 re-measures or more (from an EWMA of ~1.3 s), here 30 ran out first.
    expect(landed.filter((r) => r === 'a').length).toBeLessThanOrEqual(2);
    // And a takes its callers' jobs at once again, not only a re-measure now and then.
    for (let i = 0; i < 3; i++) expect(await send()).toBe('a');
  }, 60_000);
});
