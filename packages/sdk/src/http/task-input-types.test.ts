import {
  createExecutor,
  createProducer,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
} from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import type { BatchItemResult } from '@warren/protocol';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createDirectClient } from '../direct/direct-client';
import { createClient, type EnqueuedJob } from './client';
import type { InputFor, OutputFor } from './task-ref';

/**
 * A task's input as both clients type it (enqueue, and each enqueueMany item by its own task), held
 * to what the ingest does with it: what the types refuse is its 422, what they allow it takes; and
 * each accepted enqueueMany item's job typed by its own task's result, as enqueue's handle, through
 * `wait`. The HTTP client goes through the real ingest app, the direct one through core's producer
 * (in-memory broker and store; an executor runs the jobs a test waits for).
 */
const sendEmail = defineTask({
  name: 'email.send',
  input: z.object({ to: z.email(), subject: z.string() }),
  output: z.string(),
  handler: ({ to, subject }) => `${subject} to ${to}`,
});
const add = defineTask({
  name: 'demo.add',
  input: z.object({ a: z.number(), b: z.number() }),
  output: z.number(),
  handler: ({ a, b }) => a + b,
});
const tick = defineTask({ name: 'tick', input: z.undefined() });
const report = defineTask({ name: 'report', input: z.object({ day: z.string() }).optional() });
const tagged = defineTask({ name: 'tagged', input: z.union([z.string(), z.number()]) });
const remind = defineTask({
  name: 'remind',
  input: z.object({
    to: z.email(),
    at: z.iso.datetime().transform((s) => new Date(s)),
    tries: z.number().default(1),
    note: z.string().optional(),
  }),
  handler: ({ at }) => at.getTime(),
});
const config = defineConfig({
  queues: { default: {} },
  tasks: [sendEmail, add, tick, report, tagged, remind],
});
const tasks = { email: sendEmail, add };
const AT = '2030-01-01T00:00:00Z';

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
  const executor = createExecutor({ tasks: config.tasks, results, workerId: 'w', resultTtlS: 60 });
  const own = broker;
  return {
    http: createClient({ url: 'http://ingest', fetch: (url, init) => app.request(url, init) }),
    direct: createDirectClient({ config, publishers, results }),
    /** Runs the jobs sent from here on (for the tests that wait for them). */
    work: () => own.consume('default', (d) => executor.execute(d).then(() => {})),
  };
}

it('types the input of a union of tasks as what each takes, its result as what either gives', () => {
  expectTypeOf<InputFor<typeof sendEmail | typeof add>>().toEqualTypeOf<
    { to: string; subject: string } & { a: number; b: number }
  >();
  expectTypeOf<InputFor<typeof sendEmail | 'any.name'>>().toEqualTypeOf<{ to: string; subject: string }>();
  expectTypeOf<OutputFor<typeof sendEmail | typeof add>>().toEqualTypeOf<string | number>();
  // One task whose schema is a union keeps it.
  expectTypeOf<InputFor<typeof tagged>>().toEqualTypeOf<string | number>();
});

describe.each(['http', 'direct'] as const)('task input types (%s client)', (kind) => {
  it('a task that needs an input does not compile without one, alone or as a batch item: a 422', async () => {
    const client = clients()[kind];
    const many = [{ task: sendEmail }];
    // @ts-expect-error email.send's schema needs { to, subject }
    const alone = await client.enqueue(sendEmail).catch((e: { status?: number }) => e.status);
    const items = [
      // @ts-expect-error the same for a batch item
      ...(await client.enqueueMany([{ task: sendEmail }])),
      // @ts-expect-error the same, said explicitly
      ...(await client.enqueueMany([{ task: sendEmail, input: undefined }])),
      // @ts-expect-error the same, from a variable
      ...(await client.enqueueMany(many)),
    ];
    expect([alone, ...items.map((r) => r.status)]).toEqual([422, 422, 422, 422]);
  });

  it('a task that takes no input (z.undefined(), an optional schema) or a plain name may leave it out', async () => {
    const client = clients()[kind];
    const jobs = [
      await client.enqueue(tick),
      await client.enqueue(report),
      await client.enqueue(tick, undefined, { idempotencyKey: `tick-${kind}` }),
      await client.enqueue('tick'),
    ];
    const items = await client.enqueueMany([{ task: tick }, { task: 'tick' }, { task: report }]);
    expect([...jobs.map((j) => j.state), ...items.map((r) => r.status)]).toEqual([
      ...['queued', 'queued', 'queued', 'queued'],
      ...[202, 202, 202],
    ]);
  });

  it('is what the schema takes: defaults and optional fields left out, a transformed field as sent', async () => {
    const client = clients()[kind];
    type Sent = Parameters<typeof client.enqueue<typeof remind>>[1];
    expectTypeOf<Sent>().toEqualTypeOf<z.input<typeof remind.input>>();
    const job = await client.enqueue(remind, { to: 'a@b.co', at: AT });
    const many = await client.enqueueMany([{ task: remind, input: { to: 'c@d.co', at: AT } }]);
    expect([job.state, many[0]!.status]).toEqual(['queued', 202]);
  });

  it("a task picked at run time does not compile with one task's input alone, which the other refuses", async () => {
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

describe.each(['http', 'direct'] as const)('enqueueMany result types (%s client)', (kind) => {
  it("types each accepted item's job by its own task's result, so wait(job) is typed as enqueue's handle", async () => {
    const all = clients();
    await all.work();
    const client = all[kind];
    const results = await client.enqueueMany([
      { task: sendEmail, input: { to: 'a@b.co', subject: 'hi' } },
      { task: add, input: { a: 1, b: 2 } },
      { task: 'demo.add', input: { a: 3, b: 4 } },
    ]);
    expectTypeOf(results[0].job).toEqualTypeOf<EnqueuedJob<string> | undefined>();
    expectTypeOf(results[1].job).toEqualTypeOf<EnqueuedJob<number> | undefined>();
    // A plain task name: its result untyped, as enqueue('demo.add', ...) gives.
    expectTypeOf(results[2].job).toEqualTypeOf<EnqueuedJob<unknown> | undefined>();
    // @ts-expect-error three items, three answers: a tuple, not an array of any length
    expect(results[3]).toBeUndefined();
    const opts = { timeoutMs: 5000 };
    const [mail, sum, named] = [
      await client.wait(results[0].job!, opts),
      await client.wait(results[1].job!, opts),
      await client.wait(results[2].job!, opts),
    ];
    expectTypeOf(mail.result).toEqualTypeOf<string | undefined>();
    expectTypeOf(sum.result).toEqualTypeOf<number | undefined>();
    expectTypeOf(named.result).toEqualTypeOf<unknown>();
    // The same as enqueue's handle gives.
    const alone = await client.wait(await client.enqueue(add, { a: 5, b: 6 }), opts);
    expectTypeOf(alone.result).toEqualTypeOf(sum.result);
    expect([mail.result, sum.result, named.result, alone.result]).toEqual(['hi to a@b.co', 3, 7, 11]);
  });

  it('an array of items gives an array, a task picked at run time what either gives; problems stay as they were', async () => {
    const client = clients()[kind];
    const sums = [1, 2].map((a) => ({ task: add, input: { a, b: 1 } }));
    const picked = (k: keyof typeof tasks) => tasks[k];
    const many = await client.enqueueMany(sums);
    const either = await client.enqueueMany([
      { task: picked('add'), input: { a: 1, b: 2, to: 'a@b.co', subject: 's' } },
    ]);
    const refused = await client.enqueueMany([{ task: 'no.such.task' }]);
    expectTypeOf(many).toEqualTypeOf<
      { status: number; job?: EnqueuedJob<number>; problem?: BatchItemResult['problem'] }[]
    >();
    expectTypeOf(either[0].job).toEqualTypeOf<EnqueuedJob<string | number> | undefined>();
    expectTypeOf(refused[0].problem).toEqualTypeOf<BatchItemResult['problem']>();
    // Still a BatchItemResult[] where code takes one.
    const plain: BatchItemResult[] = [...many, ...either, ...refused];
    expect(plain.map((r) => [r.status, r.job?.task ?? r.problem?.status])).toEqual([
      [202, 'demo.add'],
      [202, 'demo.add'],
      [202, 'demo.add'],
      [422, 422],
    ]);
  });
});
