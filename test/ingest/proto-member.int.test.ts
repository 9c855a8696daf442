import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drainQueue, startNodeIngest } from './support';

/**
 * A member named `__proto__` in a job's input (legal JSON) was published and stored as sent, but
 * the task's schema (zod's record, looseObject, catchall) left it out: the handler ran without a
 * field the caller sent, silently. Refused at enqueue instead (422 naming the field), single and
 * batch, nothing published; "constructor" still passes. Real
 * RabbitMQ (:5672) and Redis (:6379), Node adapter.
 */
const RUN = `prm${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
const QUEUE = `${RUN}-work`;
const KEY = 'proto-member-key-0123456789abcdef';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [
    defineTask({
      name: 'prm.tags',
      queue: QUEUE,
      input: z.object({ tags: z.record(z.string(), z.number()) }),
      handler: (x) => x,
    }),
  ],
});
type Problem = { errors: { path: string; message: string }[] };

describe('a "__proto__" member in a job input, on real RabbitMQ + Redis', () => {
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

  it('is refused (422 naming the field), single and batch, publishing nothing', async () => {
    const one = await post('/v1/jobs', '{"task":"prm.tags","input":{"tags":{"a":1,"__proto__":2}}}');
    expect(one.status).toBe(422);
    expect(((await one.json()) as Problem).errors.map((e) => e.path)).toEqual(['input.tags.__proto__']);
    const batch = await post(
      '/v1/jobs/batch',
      '{"jobs":[{"task":"prm.tags","input":{"tags":{"b":1}}},{"task":"prm.tags","input":{"__proto__":{},"tags":{}}}]}',
    );
    expect(batch.status).toBe(207);
    const { results } = (await batch.json()) as { results: { status: number; problem?: Problem }[] };
    expect(results.map((r) => r.status)).toEqual([202, 422]);
    expect(results[1]!.problem!.errors.map((e) => e.path)).toEqual(['jobs.1.input.__proto__']);
    await new Promise((r) => setTimeout(r, 300)); // queue reads lag the confirm slightly
    expect((await drainQueue(QUEUE)).map((j) => j.input)).toEqual([{ tags: { b: 1 } }]);
  });

  it('takes a "constructor" member', async () => {
    const res = await post('/v1/jobs', '{"task":"prm.tags","input":{"tags":{"constructor":1,"x":2}}}');
    expect(res.status, await res.clone().text()).toBe(202);
    await new Promise((r) => setTimeout(r, 300)); // queue reads lag the confirm slightly
    const [job] = await drainQueue(QUEUE);
    expect(job!.input).toEqual({ tags: { constructor: 1, x: 2 } });
  });
});
