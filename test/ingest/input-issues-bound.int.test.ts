import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

// A schema reports one issue per bad element: 30,000 numbers where strings are expected (a
// 170 KB body, within the 256 KiB limit) answered a 422 naming all 30,000, megabytes of problem
// JSON built and sent for one small request. The problem names the first 100 and counts the rest.
const RUN = `iib${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [
    defineTask({ name: 'iib.t', queue: QUEUE, input: z.array(z.string()), handler: () => 1 }),
    defineTask({
      name: 'iib.strict',
      queue: QUEUE,
      input: z.strictObject({ a: z.number() }),
      handler: () => 1,
    }),
  ],
});

let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
beforeAll(async () => {
  ingest = await startNodeIngest(config, RUN, QUEUE);
}, 60_000);
afterAll(async () => ingest?.close());

it('a 422 for an input with 30,000 bad elements names 100 of them and counts the rest', async () => {
  const input = Array.from({ length: 30_000 }, (_, i) => i);
  const res = await fetch(`${ingest.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ task: 'iib.t', input }),
  });
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const text = await res.text();
  expect(text.length).toBeLessThan(20_000);
  const problem = JSON.parse(text) as { errors: { path: string; message: string }[] };
  expect(problem.errors).toHaveLength(101);
  expect(problem.errors[0]).toMatchObject({ path: 'input.0' });
  expect(problem.errors[100]).toEqual({ path: 'input', message: 'and 29,900 more issues' });
});

// The same bound per item still let a batch of 1,000 such jobs (a 269 KB body, within its 4 MiB)
// answer a 9 MB 207: 34 times the request, and over the 6 MB a Lambda ingest may answer, so there
// every item's outcome was lost. A batch answer names 1,000 field errors in all; past them an
// item's problem keeps its detail and says how many it did not name.
it('a 207 for 1,000 such jobs names 1,000 field errors in all and counts the rest per item', async () => {
  const jobs = Array.from({ length: 1000 }, () => ({ task: 'iib.t', input: Array(120).fill(1) }));
  const res = await fetch(`${ingest.url}/v1/jobs/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jobs }),
  });
  expect(res.status).toBe(207);
  const text = await res.text();
  expect(text.length).toBeLessThan(1_000_000);
  type Item = { status: number; problem: { detail: string; errors: { path: string; message: string }[] } };
  const { results } = JSON.parse(text) as { results: Item[] };
  expect(results.every((r) => r.status === 422)).toBe(true);
  const named = results
    .flatMap((r) => r.problem.errors)
    .filter((e) => /^jobs\.\d+\.input\.\d+$/.test(e.path));
  expect(named).toHaveLength(900); // 9 items of 100 (and a count each): the 10th would pass 1,000
  expect(results[0]!.problem.errors.at(-1)).toEqual({ path: 'jobs.0.input', message: 'and 20 more issues' });
  expect(results[9]!.problem).toMatchObject({
    detail: 'input does not match the schema of task iib.t',
    errors: [
      {
        path: 'jobs.9',
        message:
          '101 field errors, not named: a batch answer names 1,000 in all (send this job alone for them)',
      },
    ],
  });
}, 30_000);

// The request's own fields and a strict input's keys were not bounded: 20,000 unknown fields (a
// 209 KB body) answered an 869 KB 400 naming each, and as many unknown input keys a 422 whose one
// message listed them all (229 KB).
it('a 400 for 20,000 unknown fields names 100 and counts the rest; a 422 message is cut', async () => {
  const extra = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 1]));
  const post = (body: unknown) =>
    fetch(`${ingest.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const top = await post({ task: 'iib.t', input: [], ...extra });
  expect(top.status).toBe(400);
  const text = await top.text();
  expect(text.length).toBeLessThan(20_000);
  const problem = JSON.parse(text) as { errors: { path: string; message: string }[] };
  expect(problem.errors).toHaveLength(101);
  expect(problem.errors[0]).toEqual({ path: 'k0', message: 'unknown field' });
  expect(problem.errors[100]).toEqual({ path: '(body)', message: 'and 19,900 more issues' });
  const keys = await post({ task: 'iib.strict', input: { a: 1, ...extra } });
  expect(keys.status).toBe(422);
  const keysText = await keys.text();
  expect(keysText.length).toBeLessThan(20_000);
  const [only] = (JSON.parse(keysText) as { errors: { path: string; message: string }[] }).errors;
  expect(only!.path).toBe('input');
  expect(only!.message).toMatch(/^Unrecognized keys: "k0", "k1", .*… \(\d+ characters\)$/);
});
