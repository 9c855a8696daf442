import {
  defineConfig,
  defineTask,
  type JobEnvelope,
  MemoryBroker,
  MemoryResultStore,
  type Publisher,
} from '@warren/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDirectClient } from './direct-client';

const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});
const config = defineConfig({ tasks: [add] });
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

let broker: MemoryBroker | undefined;
afterEach(async () => broker?.close());

/** A direct client on the memory broker, and the jobs it published. */
function startDirect() {
  const b = new MemoryBroker();
  broker = b;
  const sent: JobEnvelope[] = [];
  const publisher: Publisher = {
    publish: async (queue, job, opts) => {
      sent.push(job);
      await b.publish(queue, job, opts);
    },
    close: async () => {},
  };
  const publishers = new Map([[config.region, publisher]]);
  return { direct: createDirectClient({ config, publishers, results: new MemoryResultStore() }), sent };
}

describe('direct client trace context', () => {
  it('starts a trace per enqueue and per batch, as the ingest does for a request without one', async () => {
    const { direct, sent } = startDirect();
    await direct.enqueue(add, { a: 1, b: 1 });
    await direct.enqueue(add, { a: 1, b: 2 });
    await direct.enqueueMany([
      { task: add, input: { a: 2, b: 1 } },
      { task: add, input: { a: 2, b: 2 } },
    ]);
    // Without one, a job's worker lines had no traceId (an HTTP-enqueued job's always have one).
    expect(sent.map((j) => j.traceparent)).toEqual(Array(4).fill(expect.stringMatching(TRACEPARENT)));
    const traceId = (j: JobEnvelope) => j.traceparent!.split('-')[1];
    expect(traceId(sent[0]!)).not.toBe(traceId(sent[1]!));
    // A batch shares its call's trace, as a batch request shares its request's.
    expect(traceId(sent[2]!)).toBe(traceId(sent[3]!));
    expect(traceId(sent[2]!)).not.toBe(traceId(sent[1]!));
  });

  it("puts the jobs in the caller's trace when given a traceparent (an invalid one is dropped)", async () => {
    const { direct, sent } = startDirect();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await direct.enqueue(add, { a: 1, b: 1 }, { traceparent });
    await direct.enqueueMany([{ task: add, input: { a: 2, b: 1 } }], { traceparent });
    await direct.enqueue(add, { a: 1, b: 2 }, { traceparent: 'not-a-traceparent', tracestate: 'dd=s:1' });
    await direct.enqueue(add, { a: 1, b: 3 }, { traceparent, tracestate: 'dd=s:1 , congo=t61' });
    expect(sent.map((j) => j.tracestate)).toEqual([undefined, undefined, undefined, 'dd=s:1,congo=t61']);
    sent.pop();
    expect(sent.map((j) => j.traceparent)).toEqual([
      traceparent,
      traceparent,
      expect.stringMatching(TRACEPARENT),
    ]);
    expect(sent[2]!.traceparent).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
