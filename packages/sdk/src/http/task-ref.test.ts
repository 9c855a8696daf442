import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterEach, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createClient } from './client';
import { type InputFor, type OutputFor, taskRef } from './task-ref';

/** `taskRef<typeof task>(name)`: the definition's types, none of its code, through the real ingest app. */
const sendEmail = defineTask({
  name: 'email.send',
  input: z.object({ to: z.email(), subject: z.string(), cc: z.array(z.email()).default([]) }),
  output: z.string(),
  handler: ({ to }) => `sent to ${to}`,
});
const config = defineConfig({ queues: { default: {} }, tasks: [sendEmail] });

let broker: MemoryBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

it('types enqueue and wait as the task definition does, and sends only the name', async () => {
  const ref = taskRef<typeof sendEmail>('email.send');
  expect(ref).toEqual({ name: 'email.send' });
  expectTypeOf<InputFor<typeof ref>>().toEqualTypeOf<InputFor<typeof sendEmail>>();
  expectTypeOf<OutputFor<typeof ref>>().toEqualTypeOf<string>();

  broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const publishers = new Map([[config.region, broker]]);
  const app = createIngestApp({ config, producer: createProducer({ config, publishers, results }), results });
  const client = createClient({ url: 'http://ingest', fetch: (url, init) => app.request(url, init) });

  const job = await client.enqueue(ref, { to: 'a@example.com', subject: 'hi' });
  expect(job).toMatchObject({ task: 'email.send', state: 'queued' });
  // Subject missing: the ingest's 422, refused at compile time as for the definition.
  // @ts-expect-error the input lacks subject
  const refusing = client.enqueue(ref, { to: 'a@example.com' });
  const refused = await refusing.catch((e: { status?: number }) => e.status);
  expect(refused).toBe(422);
  const [item] = await client.enqueueMany([{ task: ref, input: { to: 'b@example.com', subject: 'x' } }]);
  expect(item?.status).toBe(202);
  const rec = await client.get<OutputFor<typeof ref>>(job.id);
  expectTypeOf(rec.result).toEqualTypeOf<string | undefined>();
});

it('refuses a name that is not a string at run time (a JavaScript caller)', () => {
  expect(() => taskRef(42 as unknown as string)).toThrow(TypeError);
});
