import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { adHocLink, createForwarder } from '@warren/forwarder';
import { captureLines, createLogger, createObservability } from '@warren/observability';
import { createRedisResultStore } from '@warren/results';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, startNodeIngest } from '../ingest/support';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

// The path a traced job takes in production: a caller's traceparent header at the Node ingest,
// RabbitMQ, a forwarder link into another queue, a worker there. Its log lines and the
// traceparent its task sends on must carry the caller's trace id; a malformed header must not
// fail the enqueue. A job sent with no traceparent (or one that is not: W3C trace-context 4.3
// restarts the trace) had none, so its worker lines had no trace id and nothing tied the
// ingest's request to the run: the ingest now starts a trace for it, as an OpenTelemetry server does.
it('the caller trace id reaches the worker logs and the task across a forwarder hop', async () => {
  const run = `obs-tr-${uuidv7().slice(-8)}`;
  const [a, b] = [`${run}.a`, `${run}.b`];
  const seen = new Map<string, string | undefined>();
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'tr.echo',
        queue: a,
        input: z.object({ tag: z.string() }),
        handler: ({ tag }, ctx) => void seen.set(tag, ctx.traceparent),
      }),
    ],
    queues: { [a]: { type: 'classic' }, [b]: { type: 'classic' } },
  });
  const ingest = await startNodeIngest(config, run, a);
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const { lines, stream } = captureLines();
  const obs = createObservability({ config, logger: createLogger({ stream }) });
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results: createRedisResultStore({ redis: ingest.redis, prefix: `${run}:` }),
    queues: [b],
    onEvent: obs.executorEvents,
    runScope: obs.runScope,
  });
  const fwd = createForwarder([adHocLink({ from: [AMQP_URL], queue: a, to: [AMQP_URL], toQueue: b })]);
  try {
    await worker.start();
    fwd.start();
    const headers: Record<string, string | undefined> = {
      none: undefined,
      v00: `00-${TRACE}-${PARENT}-01`,
      v01: `01-${TRACE}-${PARENT}-01-future-field`,
      garbage: 'not-a-traceparent',
      upper: `00-${TRACE.toUpperCase()}-${PARENT}-01`,
    };
    const ids = new Map<string, string>();
    for (const [tag, tp] of Object.entries(headers)) {
      const res = await fetch(`${ingest.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(tp ? { traceparent: tp } : {}) },
        body: JSON.stringify({ task: 'tr.echo', input: { tag } }),
      });
      expect(res.status).toBe(202);
      ids.set(tag, ((await res.json()) as { id: string }).id);
    }
    await eventually(() => seen.size === 5, 20_000);
    const done = (tag: string) => lines.find((l) => l.jobId === ids.get(tag) && l.msg === 'job succeeded');
    await eventually(() => [...ids.keys()].every(done));
    for (const tag of ['v00', 'v01']) {
      expect(done(tag)?.traceId).toBe(TRACE);
      const tp = seen.get(tag)!;
      expect(tp).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
      expect(tp.slice(36, 52)).not.toBe(PARENT); // a child of the caller's span, not the caller's
    }
    const started = new Set<string>();
    for (const tag of ['none', 'garbage', 'upper']) {
      const traceId = done(tag)?.traceId as string;
      expect(traceId, tag).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      expect(traceId).not.toBe(TRACE);
      expect(seen.get(tag)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      started.add(traceId);
    }
    expect(started.size).toBe(3); // a trace of its own for each
  } finally {
    await fwd.stop(2000);
    await worker.stop(1000);
    await broker.close();
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    for (const q of [b, `${b}.dlq`]) await ch.deleteQueue(q).catch(() => {});
    await conn.close();
    await ingest.close();
  }
}, 40_000);
