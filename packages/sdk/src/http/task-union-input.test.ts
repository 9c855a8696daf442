import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createDirectClient } from '../direct/direct-client';
import { createClient } from './client';
import type { InputFor, OutputFor } from './task-ref';

/**
 * A task picked at run time (`tasks[kind]`, `flag ? a : b`) is typed as a union of tasks. Its input
 * must be one every task of the union takes: either may be the one sent. It was typed as a union
 * of their inputs, so the other task's input compiled and was the ingest's 422.
 */
const sendEmail = defineTask({ name: 'email.send', input: z.object({ to: z.email() }), output: z.string() });
const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.number(),
});
const tagged = defineTask({ name: 'tagged', input: z.union([z.string(), z.number()]) });
const config = defineConfig({ queues: { default: {} }, tasks: [sendEmail, add, tagged] });
const tasks = { email: sendEmail, add };

let broker: MemoryBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

function clients() {
  broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const publishers = new Map([[config.region, broker]]);
  const app = createIngestApp({ config, producer: createProducer({ config, publishers, results }), results });
  return {
    http: createClient({ url: 'http://ingest', fetch: (url, init) => app.request(url, init) }),
    direct: createDirectClient({ config, publishers, results }),
  };
}

it('types the input of a union of tasks as what each takes, its result as what either gives', () => {
  expectTypeOf<InputFor<typeof sendEmail | typeof add>>().toEqualTypeOf<
    { to: string } & { a: number; b: number }
  >();
  expectTypeOf<InputFor<typeof sendEmail | 'any.name'>>().toEqualTypeOf<{ to: string }>();
  expectTypeOf<OutputFor<typeof sendEmail | typeof add>>().toEqualTypeOf<string | number>();
  // One task whose schema is a union keeps it.
  expectTypeOf<InputFor<typeof tagged>>().toEqualTypeOf<string | number>();
});

describe.each(['http', 'direct'] as const)('a task picked at run time (%s client)', (kind) => {
  it("does not compile with one task's input alone, which the other refuses", async () => {
    const client = clients()[kind];
    const picked = (k: keyof typeof tasks) => tasks[k];
    const refused = await client
      // @ts-expect-error { a, b } is add's input; the task may be email.send
      .enqueue(picked('email'), { a: 1, b: 2 })
      .catch((e: { status?: number }) => e.status);
    const [item] = await client.enqueueMany([
      // @ts-expect-error the same for a batch item
      { task: picked('email'), input: { a: 1, b: 2 } },
    ]);
    const job = await client.enqueue(tagged, 7);
    expect([refused, item!.status, job.state]).toEqual([422, 422, 'queued']);
  });
});
