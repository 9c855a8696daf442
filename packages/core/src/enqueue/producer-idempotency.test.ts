import { UnprocessableError } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../config/define-config';
import { MemoryBroker } from '../memory/memory-broker';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask } from '../task/define-task';
import { createProducer } from './producer';

const config = defineConfig({
  queues: { default: {}, alt: {} },
  tasks: [
    defineTask({ name: 't.echo', input: z.unknown(), handler: (x) => x }),
    defineTask({ name: 't.other', input: z.unknown(), handler: (x) => x }),
  ],
});

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnprocessableError);
  expect((err as UnprocessableError).toProblem().errors?.map((e) => e.path)).toEqual(['idempotencyKey']);
};

describe('producer: a reused idempotency key must name the same request', () => {
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
