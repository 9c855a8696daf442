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
  tasks: [defineTask({ name: 'iib.t', queue: QUEUE, input: z.array(z.string()), handler: () => 1 })],
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
