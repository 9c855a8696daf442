import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drainQueue, startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * A number JSON.parse cannot keep (an integer past 2^53 that rounds: a Snowflake id from a Python
 * or Go producer; an exponent past the largest double) would reach the worker changed, so the
 * ingest refuses it (400 naming it) instead of publishing another value. Real RabbitMQ (:5672)
 * and Redis (:6379), Node adapter.
 */
const RUN = `inx${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const KEY = 'inexact-numbers-key-0123456789a';
const config = defineConfig({
  queues: { [QUEUE]: {} },
  auth: { keys: [{ key: KEY }] },
  tasks: [
    defineTask({ name: 'inx.any', queue: QUEUE, input: z.unknown(), handler: (x) => x }),
    defineTask({ name: 'inx.num', queue: QUEUE, input: z.object({ id: z.number() }), handler: (x) => x }),
  ],
});
type Problem = { detail: string; errors: { path: string; message: string }[] };

describe('numbers JSON.parse would change, on real RabbitMQ + Redis', () => {
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

  it('refuses them (400 naming the number), publishing nothing', async () => {
    for (const [body, shown] of [
      ['{"task":"inx.any","input":{"channelId":1234567890123456789}}', '1234567890123456789'],
      ['{"task":"inx.num","input":{"id":-98765432109876543210}}', '-98765432109876543210'],
      ['{"task":"inx.any","input":[1, "1e400 in a string", 1E+400]}', '1E+400'],
    ] as const) {
      const res = await post('/v1/jobs', body);
      expect(res.status, body).toBe(400);
      const problem = (await res.json()) as Problem;
      expect(problem.errors[0]!.message).toContain(shown);
    }
    const batch = await post('/v1/jobs/batch', '{"jobs":[{"task":"inx.any","input":12345678901234567891}]}');
    expect(batch.status).toBe(400);
    await new Promise((r) => setTimeout(r, 300)); // queue reads lag the confirm slightly
    expect(await drainQueue(QUEUE)).toEqual([]);
  });

  // Echoed whole, a number of 200,000 digits made a 200 KB problem (as large as the body, more with
  // a raised bodyLimitBytes) saying nothing its first digits and length do not.
  it('names a long number by its first digits and its length, in an answer of its usual size', async () => {
    const literal = `9${'1'.repeat(199_999)}`;
    const res = await post('/v1/jobs', `{"task":"inx.any","input":{"n":${literal}}}`);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text.length).toBeLessThan(1000);
    expect((JSON.parse(text) as Problem).errors[0]!.message).toMatch(
      /^9111111111\d*…1{16} \(a number of 200000 characters\) is past the largest number/,
    );
  });

  it('takes the numbers it keeps exactly: 2^54, 2^53 - 1, decimals, digits inside strings', async () => {
    await drainQueue(QUEUE); // none left by the case before, whatever its outcome
    const input =
      '{"a":18014398509481984,"b":-9007199254740991,"c":0.1,"d":"12345678901234567890","e":1e300}';
    const res = await post('/v1/jobs', `{"task":"inx.any","input":${input}}`);
    expect(res.status, await res.clone().text()).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    const [job] = await drainQueue(QUEUE);
    expect(JSON.stringify(job!.input)).toBe(
      '{"a":18014398509481984,"b":-9007199254740991,"c":0.1,"d":"12345678901234567890","e":1e+300}',
    );
  });
});
