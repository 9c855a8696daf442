import { randomUUID } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../../packages/amqp/src/testing/amqp-frame-proxy';
import { deleteQueueAndDlq, SHARED_AMQP_URL, TWO_REGIONS } from './two-regions';

// Region a (the ingest's own, nearest) is the shared broker behind a frame proxy that swallows every
// basic.publish with its content (a broker that takes publishes and never confirms; everything
// else, channel opens and declares included, still answered); region b is the shared broker.
const queue = `h69-probe-${randomUUID().slice(0, 8)}`;
const PUBLISH_TIMEOUT_MS = 8000; // longer than the router's default 5 s probe timeout
const brokers: { close(): Promise<void> }[] = [];
let frames: AmqpFrameProxy | undefined;

afterAll(async () => {
  await frames?.close();
  for (const b of brokers) await b.close().catch(() => {});
  await deleteQueueAndDlq(queue);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a region whose confirms never come, in half-open', () => {
  it('is probed by one request at a time, not a new one every 5 s while the probe still waits', async () => {
    const config = defineConfig({
      region: 'a',
      regions: TWO_REGIONS,
      queues: { [queue]: {} },
      ingest: { publishTimeoutMs: PUBLISH_TIMEOUT_MS },
      tasks: [defineTask({ name: 'h69.noop', queue, input: z.unknown(), handler: () => null })],
    });
    frames = await startAmqpFrameProxy(5672);
    const a = createAmqpBroker({ urls: [frames.url], queues: config.queues });
    const b = createAmqpBroker({ urls: [SHARED_AMQP_URL], queues: config.queues });
    brokers.push(a, b);
    await Promise.all([a.connect(), b.connect()]);
    const swallowing = new Set<number>();
    frames.drop = (f) => {
      if (f.from !== 'client' || f.channel === 0) return false;
      if (f.type === 1) {
        if (f.classId === 60 && f.methodId === 40) swallowing.add(f.channel);
        else swallowing.delete(f.channel);
      }
      return swallowing.has(f.channel);
    };
    const producer = createProducer({
      config,
      publishers: new Map([
        ['a', a.publisher],
        ['b', b.publisher],
      ]),
      results: new MemoryResultStore(),
    });
    const send = async () => {
      const t = Date.now();
      const out = await producer.enqueue({ task: 'h69.noop', input: {} });
      return { region: out.response.region, ms: Date.now() - t };
    };
    // a's first failure (the router's own report of a timed-out publish) opens its circuit.
    producer.router.report('a', { ok: false, latencyMs: PUBLISH_TIMEOUT_MS, recoverable: true });
    await sleep(1200); // a's first open period (1 s) is over: half-open
    const probe = send(); // this one probes a and waits out the publish timeout there
    await sleep(5400); // past the router's 5 s probe timeout, still within the probe's 8 s publish
    const next = await send();
    const p = await probe;
    console.log(
      `probe: ${p.region} after ${p.ms} ms; request during the probe: ${next.region} after ${next.ms} ms`,
    );
    expect(p.ms).toBeGreaterThanOrEqual(PUBLISH_TIMEOUT_MS - 100); // the probe did wait on a
    expect(next.region).toBe('b');
    expect(next.ms).toBeLessThan(2000); // before: a second probe, 8 s on the silent region
  }, 40_000);
});
