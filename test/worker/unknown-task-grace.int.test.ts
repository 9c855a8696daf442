import { createAmqpBroker } from '@warren/amqp';
import { defineConfig, defineTask, type ExecutionEvent, uuidv7, type WarrenConfig } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { createWorker } from '@warren/worker';
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { AMQP_URL, startNodeIngest } from '../ingest/support';

// A rolling deploy: the producers (and new workers) know task `utg.added`, old workers on the
// same queue do not. Before, an old worker failed such a job at once (UnknownTask, DLQ): a job
// lost for a deploy. Now it is handed back unrun for worker.unknownTaskGraceMs after it was due.
const RUN = `utg-${uuidv7().slice(-8)}`;
const Q = `${RUN}.q`;
const known = defineTask({ name: 'utg.known', queue: Q, input: z.object({}), handler: async () => 'ok' });
const added = defineTask({
  name: 'utg.added',
  queue: Q,
  input: z.object({ n: z.number() }),
  handler: async ({ n }) => n * 2,
});
const oldConfig = (unknownTaskGraceMs: number) =>
  defineConfig({ queues: { [Q]: {} }, tasks: [known], worker: { unknownTaskGraceMs } });
const newConfig = defineConfig({ queues: { [Q]: {} }, tasks: [known, added] });

let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
const stops: (() => Promise<void>)[] = [];
beforeAll(async () => {
  ingest = await startNodeIngest(newConfig, RUN, Q);
});
afterAll(async () => {
  for (const stop of stops) await stop().catch(() => {});
  await ingest.close();
});

async function startWorker(config: WarrenConfig, events: ExecutionEvent[]): Promise<() => Promise<void>> {
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  const worker = createWorker({
    config,
    consumer: broker.consumer,
    results: ingest.results,
    queues: [Q],
    onEvent: (e) => events.push(e),
  });
  await worker.start();
  const stop = async () => {
    await worker.stop();
    await broker.close();
  };
  stops.push(stop);
  return stop;
}

/** The next dead letter of Q (taken off the DLQ), with its reason. */
async function takeDeadLetter(): Promise<{ id: string; reason: string } | undefined> {
  const c = await amqp.connect(AMQP_URL);
  const ch = await c.createChannel();
  const m = await ch.get(`${Q}.dlq`, { noAck: true });
  await c.close();
  if (!m) return undefined;
  return {
    id: JSON.parse(m.content.toString()).id,
    reason: String(m.properties.headers?.['x-warren-reason']),
  };
}

it('an old worker hands a job of a task it lacks back, unrun, until a new worker runs it', async () => {
  const oldEvents: ExecutionEvent[] = [];
  const newEvents: ExecutionEvent[] = [];
  await startWorker(oldConfig(10_000), oldEvents);
  const { id } = (await ingest.producer.enqueue({ task: added.name, input: { n: 21 } })).response;
  await eventually(() => oldEvents.find((e) => e.job.id === id && e.type === 'deferred'), 5000, 20);
  const waiting = await ingest.results.get(id);
  expect(waiting).toMatchObject({ state: 'retrying', error: { type: 'UnknownTask', retryable: true } });
  expect(waiting?.error?.message).toMatch(
    /handed back unrun, no attempt spent, for a worker that knows it until/,
  );
  // The new version's worker joins the old one on the queue (both consume it from now on).
  await startWorker(newConfig, newEvents);
  const done = await eventually(async () => {
    const r = await ingest.results.get(id);
    return r?.state === 'succeeded' ? r : undefined;
  }, 10_000);
  expect(done).toMatchObject({ result: 42, attempts: 1 });
  expect(oldEvents.filter((e) => e.job.id === id).every((e) => e.type === 'deferred')).toBe(true);
  expect(oldEvents.find((e) => e.job.id === id)?.reason).toBe('unknown-task');
  expect(await takeDeadLetter()).toBeUndefined();
  for (const stop of stops.splice(0)) await stop();
}, 20_000);

it('after the grace it fails into the DLQ with UnknownTask and why; a changed input schema dead-letters at once', async () => {
  const events: ExecutionEvent[] = [];
  await startWorker(oldConfig(1500), events);
  const { id } = (await ingest.producer.enqueue({ task: added.name, input: { n: 1 } })).response;
  const failed = await eventually(() => events.find((e) => e.job.id === id && e.type === 'failed'), 8000, 20);
  expect(events.filter((e) => e.job.id === id && e.type === 'deferred').length).toBeGreaterThan(0);
  expect(failed.error?.message).toMatch(/within 1.5 s of its due time/);
  const rec = await ingest.results.get(id);
  expect(rec).toMatchObject({
    state: 'failed',
    attempts: 1,
    error: { type: 'UnknownTask', retryable: false },
  });
  const letter = await eventually(takeDeadLetter, 5000, 50);
  expect(letter.id).toBe(id);
  expect(letter.reason).toMatch(
    /^unknown task: UnknownTask: no handler for task utg\.added here \(no worker/,
  );
  for (const stop of stops.splice(0)) await stop();

  // A job enqueued before its task's input changed shape, taken by a new worker: InvalidInput,
  // dead-lettered once with the field that changed, never handed back again and again.
  const newEvents: ExecutionEvent[] = [];
  const old = makeJob({ task: added.name, queue: Q, input: { count: 3 }, maxAttempts: 3 });
  await ingest.publishers.get('local')!.publish(Q, old);
  await startWorker(newConfig, newEvents);
  const bad = await eventually(() => takeDeadLetter(), 5000, 50);
  expect(bad.id).toBe(old.id);
  expect(bad.reason).toMatch(/^invalid input: InvalidInput: n: /);
  expect(await ingest.results.get(old.id)).toMatchObject({
    state: 'failed',
    error: { type: 'InvalidInput' },
  });
  expect(newEvents.filter((e) => e.job.id === old.id).map((e) => e.type)).toEqual(['failed']);
}, 20_000);
