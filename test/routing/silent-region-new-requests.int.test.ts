import { randomUUID } from 'node:crypto';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask, MemoryResultStore } from '@warren/core';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../../packages/amqp/src/testing/amqp-frame-proxy';
import { deleteQueueAndDlq, SHARED_AMQP_URL, TWO_REGIONS } from './two-regions';

// Region a (the ingest's own, nearest) is the shared broker behind a frame proxy that, once told to,
// swallows every basic.publish with its content: a broker that stopped answering (SIGSTOP, a
// partition) with the connection still up. Region b is the shared broker.
const queue = `silent-new-${randomUUID().slice(0, 8)}`;
const PUBLISH_TIMEOUT_MS = 4000;
const brokers: { close(): Promise<void> }[] = [];
let frames: AmqpFrameProxy | undefined;

afterAll(async () => {
  await frames?.close();
  for (const b of brokers) await b.close().catch(() => {});
  await deleteQueueAndDlq(queue);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a region whose broker stopped answering, before its first publish times out', () => {
  it('is passed over by new requests once a publish has waited on it past a second, not given each of them too', async () => {
    const config = defineConfig({
      region: 'a',
      regions: TWO_REGIONS,
      queues: { [queue]: {} },
      ingest: { publishTimeoutMs: PUBLISH_TIMEOUT_MS },
      tasks: [defineTask({ name: 'sn.noop', queue, input: z.unknown() })],
    });
    frames = await startAmqpFrameProxy(5672);
    const a = createAmqpBroker({ urls: [frames.url], queues: config.queues });
    const b = createAmqpBroker({ urls: [SHARED_AMQP_URL], queues: config.queues });
    brokers.push(a, b);
    await Promise.all([a.connect(), b.connect()]);
    const tried = new Map<string, string[]>();
    const producer = createProducer({
      config,
      publishers: new Map([
        ['a', a.publisher],
        ['b', b.publisher],
      ]),
      results: new MemoryResultStore(),
      onEvent: (e) => {
        if (e.type === 'publish') tried.set(e.job.id, [...(tried.get(e.job.id) ?? []), e.region]);
      },
    });
    const send = () => producer.enqueue({ task: 'sn.noop', input: {} }).then((o) => o.response);
    // a answers while it can: its circuit is closed and it is measured fast.
    for (let i = 0; i < 3; i++) expect((await send()).region).toBe('a');
    const swallowing = new Set<number>();
    frames.drop = (f) => {
      if (f.from !== 'client' || f.channel === 0) return false;
      if (f.type === 1) {
        if (f.classId === 60 && f.methodId === 40) swallowing.add(f.channel);
        else swallowing.delete(f.channel);
      }
      return swallowing.has(f.channel);
    };
    const first = send(); // waits on a until its publish times out, then b
    await sleep(1500);
    const later = await send();
    const earlier = await first;
    console.log(
      `first: ${tried.get(earlier.id)?.join(' → ')}; sent 1.5 s into the silence: ${tried.get(later.id)?.join(' → ')}`,
    );
    expect(tried.get(earlier.id)).toEqual(['a', 'b']);
    // Before: a again (its circuit still closed), then b once a's publishes timed out.
    expect(tried.get(later.id)).toEqual(['b']);
  }, 30_000);
});
