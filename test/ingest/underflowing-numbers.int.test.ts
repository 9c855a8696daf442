import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drainQueue, startNodeIngest } from './support';

/**
 * A number too small for a double (1e-400, below 5e-324) parses as 0: the worker got 0 for a
 * nonzero value the caller sent, where the same number too large (1e400) is refused. Refused
 * alike (400 naming it), nothing published; tiny numbers a double holds (5e-324, 1e-300) and zero
 * however written pass. Real RabbitMQ (:5672) and Redis (:6379), Node adapter.
 */
const RUN = `unf${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
const QUEUE = `${RUN}-work`;
const KEY = 'underflow-numbers-key-0123456789';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [defineTask({ name: 'unf.any', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
type Problem = { detail: string; errors: { path: string; message: string }[] };

describe('numbers that underflow to 0, on real RabbitMQ + Redis', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  const post = (path: string, body: string) =>
    fetch(`${ingest.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body,
    });

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('refuses them (400 naming the number), single and batch, publishing nothing', async () => {
    for (const [path, body, shown] of [
      ['/v1/jobs', '{"task":"unf.any","input":{"p":1e-400}}', '1e-400'],
      ['/v1/jobs', '{"task":"unf.any","input":[0, -2.5E-999]}', '-2.5E-999'],
      // A long one by its ends and length (shownNumber).
      [
        '/v1/jobs',
        `{"task":"unf.any","input":0.${'0'.repeat(400)}1}`,
        `0.${'0'.repeat(22)}…${'0'.repeat(15)}1 (a number of 403 characters)`,
      ],
      ['/v1/jobs/batch', '{"jobs":[{"task":"unf.any","input":1e-400}]}', '1e-400'],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, body).toBe(400);
      const problem = (await res.json()) as Problem;
      expect(problem.errors[0]!.message, body).toContain(`${shown} would arrive as 0`);
    }
    expect(await drainQueue(QUEUE)).toEqual([]);
  });

  it('takes tiny numbers a double holds, and zero however written', async () => {
    const input = `{"a":5e-324,"b":1e-300,"c":0e-400,"d":-0.0,"e":0.${'0'.repeat(400)},"f":"1e-400"}`;
    const res = await post('/v1/jobs', `{"task":"unf.any","input":${input}}`);
    expect(res.status, await res.clone().text()).toBe(202);
    await new Promise((r) => setTimeout(r, 300)); // queue reads lag the confirm slightly
    const [job] = await drainQueue(QUEUE);
    expect(job!.input).toEqual({ a: 5e-324, b: 1e-300, c: 0, d: 0, e: 0, f: '1e-400' });
  });
});
