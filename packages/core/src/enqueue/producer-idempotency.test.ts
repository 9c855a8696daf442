import { ConflictError, TransportError, UnprocessableError } from '@warren/protocol';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../config/define-config';
import { uuidv7 } from '../ids';
import { MemoryBroker } from '../memory/memory-broker';
import { MemoryResultStore } from '../memory/memory-result-store';
import type { Publisher } from '../ports/publisher';
import { defineTask } from '../task/define-task';
import { createProducer } from './producer';

const config = defineConfig({
  queues: { default: {}, alt: {} },
  tasks: [
    defineTask({ name: 't.echo', input: z.unknown(), handler: (x) => x }),
    defineTask({ name: 't.other', input: z.unknown(), handler: (x) => x }),
  ],
});

/** Fails with a recoverable TransportError (unknown outcome) until `up`; records each job sent. */
function flakyPublisher() {
  const sent: { id: string; input: unknown }[] = [];
  const p = {
    up: false,
    sent,
    publish: async (_q: string, job: { id: string; input: unknown }) => {
      sent.push({ id: job.id, input: job.input });
      if (!p.up) throw new TransportError('connection lost before the broker confirmed', true);
    },
    close: async () => {},
  };
  return p;
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnprocessableError);
  expect((err as UnprocessableError).toProblem().errors?.map((e) => e.path)).toEqual(['idempotencyKey']);
};

describe('producer: a reused idempotency key must name the same request', () => {
  it('after a 503, a retry with another input is refused; the same input (keys reordered) republishes its id', async () => {
    const flaky = flakyPublisher();
    const results = new MemoryResultStore();
    const producer = createProducer({
      config,
      publishers: new Map([['local', flaky as Publisher]]),
      results,
    });
    const req = { task: 't.echo', input: { a: 1, b: [2, 3] }, idempotencyKey: 'k1' };
    await expect(producer.enqueue(req)).rejects.toMatchObject({ status: 503 });
    flaky.up = true;
    await refusal(producer.enqueue({ ...req, input: { a: 1, b: [3, 2] } }));
    await refusal(producer.enqueue({ ...req, task: 't.other' }));
    await refusal(producer.enqueue({ ...req, queue: 'alt' }));
    expect(flaky.sent).toHaveLength(1);
    const again = await producer.enqueue({ ...req, input: { b: [2, 3], a: 1 } });
    expect(again.replayed).toBe(false);
    expect(flaky.sent.map((s) => s.id)).toEqual([again.response.id, again.response.id]);
  });

  it('after a 503 whose publish landed, a worker-made record (no input) is checked against the key', async () => {
    const flaky = flakyPublisher();
    const results = new MemoryResultStore();
    const publishers = new Map([['local', flaky as Publisher]]);
    const producer = createProducer({ config, publishers, results });
    const req = { task: 't.echo', input: { a: 1 }, idempotencyKey: 'k3' };
    await expect(producer.enqueue(req)).rejects.toMatchObject({ status: 503 });
    // The message was in the queue after all: a worker picked it up and created the record.
    await results.transition(flaky.sent[0]!.id, 'running', { task: 't.echo', queue: 'default', owner: 'w' });
    await refusal(producer.enqueue({ ...req, input: { a: 2 } }));
    expect(await producer.enqueue(req)).toMatchObject({
      replayed: true,
      response: { id: flaky.sent[0]!.id },
    });
  });

  it('a mark left by an older producer (no fingerprint) cannot be compared: the retry republishes its id', async () => {
    const results = new MemoryResultStore();
    const broker = new MemoryBroker();
    const producer = createProducer({ config, publishers: new Map([['local', broker]]), results });
    const id = '01920000-0000-7000-8000-00000000beef';
    await results.claimIdempotencyKey('k4', `unconfirmed:${id}`, 60);
    const out = await producer.enqueue({ task: 't.echo', input: 'B', idempotencyKey: 'k4' });
    expect(out).toMatchObject({ replayed: false, response: { id } });
  });

  it('a key another request is still accepting is a 409 that says when to try again', async () => {
    const results = new MemoryResultStore();
    const producer = createProducer({
      config,
      publishers: new Map([['local', new MemoryBroker()]]),
      results,
    });
    await results.claimIdempotencyKey('k5', uuidv7(), 60); // claimed just now, no record yet
    const err = await producer.enqueue({ task: 't.echo', input: 'A', idempotencyKey: 'k5' }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ status: 409, retryAfterS: 1 });
  });

  it('a fresh key costs one claim and one record write: no read, no fingerprint', async () => {
    const results = new MemoryResultStore();
    const calls: string[] = [];
    const counted = new Proxy(results, {
      get: (t, name: string) => {
        const v = Reflect.get(t, name);
        if (typeof v !== 'function') return v;
        return (...a: unknown[]) => {
          calls.push(name);
          return v.apply(t, a);
        };
      },
    });
    const digest = vi.spyOn(crypto.subtle, 'digest');
    const producer = createProducer({
      config,
      publishers: new Map([['local', new MemoryBroker()]]),
      results: counted,
    });
    await producer.enqueue({ task: 't.echo', input: { a: 1 }, idempotencyKey: 'k5' });
    expect(calls).toEqual(['claimIdempotencyKey', 'create']);
    expect(digest).not.toHaveBeenCalled();
    digest.mockRestore();
  });

  it('a replay of a recorded job is refused for another task, queue or input; replayed when equal', async () => {
    const broker = new MemoryBroker();
    const producer = createProducer({
      config,
      publishers: new Map([['local', broker]]),
      results: new MemoryResultStore(),
    });
    const req = { task: 't.echo', input: { a: 1, b: [2, 3] }, idempotencyKey: 'k2' };
    const first = await producer.enqueue(req);
    for (const other of [
      { task: 't.other' },
      { queue: 'alt' },
      { input: { a: 1, b: [3, 2] } },
      { input: undefined },
    ])
      await refusal(producer.enqueue({ ...req, ...other }));
    const same = await producer.enqueue({ ...req, input: { b: [2, 3], a: 1 } });
    expect(same).toMatchObject({ replayed: true, response: { id: first.response.id } });
  });
});
