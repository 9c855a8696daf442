import {
  defineConfig,
  defineTask,
  type JobState,
  MemoryBroker,
  MemoryResultStore,
  type TransitionPatch,
  TransportError,
} from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createWorker } from './create-worker';
import { createPoisonGuard, POISON_LIMIT } from './poison-guard';

const echo = defineTask({ name: 'pg.echo', input: z.unknown(), handler: (x) => x });

/**
 * A store with a defect on one job: its `running` write throws a TypeError (as warren's own code
 * failing on an odd message would), every time; or a recoverable outage, for the other case.
 */
class FlawedStore extends MemoryResultStore {
  constructor(
    readonly badId: string,
    readonly fail: () => Error,
  ) {
    super(60);
  }
  override transition(id: string, to: JobState, patch?: TransitionPatch) {
    if (id === this.badId && to === 'running') return Promise.reject(this.fail());
    return super.transition(id, to, patch);
  }
}

describe('poison guard', () => {
  it('dead-letters on the limit-th failure of one job attempt in a row, not before; infrastructure never', () => {
    const g = createPoisonGuard(3);
    const d = { job: makeJob({ task: 'x' }), attempt: 1 } as never;
    expect(g.failed(d, new TypeError('x'))).toBe(false);
    expect(g.failed(d, new TypeError('x'))).toBe(false);
    expect(g.failed(d, new TransportError('redis down', true))).toBe(false);
    expect(g.failed(d, new TypeError('x'))).toBe(true);
    g.settled(d);
    expect(g.failed(d, new TypeError('x'))).toBe(false); // counted again from 0
    const other = { job: makeJob({ task: 'x' }), attempt: 1 } as never;
    for (let i = 0; i < 10; i++) expect(g.failed(other, new TransportError('down', false))).toBe(false);
  });

  it('a message that makes the worker throw is dead-lettered with the error after a few deliveries, not looped', async () => {
    const broker = new MemoryBroker();
    const bad = makeJob({ task: 'pg.echo', queue: 'pgq', input: 1 });
    const good = makeJob({ task: 'pg.echo', queue: 'pgq', input: 2 });
    const results = new FlawedStore(
      bad.id,
      () => new TypeError("Cannot read properties of undefined (reading 'x')"),
    );
    const errors: unknown[] = [];
    const w = createWorker({
      config: defineConfig({ tasks: [echo] }),
      consumer: broker,
      results,
      queues: ['pgq'],
      onError: (err) => errors.push(err),
    });
    await w.start();
    await broker.publish('pgq', bad);
    await broker.publish('pgq', good);
    await eventually(() => broker.deadLetters('pgq').length === 1, 15_000);
    const [dead] = broker.deadLetters('pgq');
    expect(dead!.reason).toMatch(
      /failed on this message 5 times in a row.*TypeError: Cannot read properties/,
    );
    expect(errors.length).toBe(POISON_LIMIT);
    expect(await results.get(bad.id)).toMatchObject({ state: 'failed', error: { type: 'WorkerError' } });
    expect((await results.get(good.id))?.state).toBe('succeeded');
    await w.stop();
    await broker.close();
  }, 20_000);

  it('an outage is handed back however often it comes: nothing dead-lettered', async () => {
    const broker = new MemoryBroker();
    const job = makeJob({ task: 'pg.echo', queue: 'pgq2', input: 1 });
    const results = new FlawedStore(job.id, () => new TransportError('result store unreachable', true));
    let errors = 0;
    const w = createWorker({
      config: defineConfig({ tasks: [echo] }),
      consumer: broker,
      results,
      queues: ['pgq2'],
      onError: () => errors++,
    });
    await w.start();
    await broker.publish('pgq2', job);
    await eventually(() => errors >= POISON_LIMIT + 1, 20_000);
    expect(broker.deadLetters('pgq2')).toHaveLength(0);
    await w.stop();
    await broker.close();
  }, 25_000);
});
