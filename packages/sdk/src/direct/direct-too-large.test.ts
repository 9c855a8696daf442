import { defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WarrenHttpError } from '../http/errors';
import { createDirectClient } from './direct-client';

const echo = defineTask({ name: 'demo.echo', input: z.object({ s: z.string() }), handler: (i) => i });
const config = defineConfig({ tasks: [echo] });
const broker = new MemoryBroker();
afterEach(() => broker.close());

describe('direct client: a job over its body limit', () => {
  it("is a 413 whose message reads as a sentence (the job's own error has no field path)", async () => {
    const results = new MemoryResultStore();
    const client = createDirectClient({
      config,
      publishers: new Map([[config.region, broker]]),
      results,
      bodyLimitBytes: 1000,
    });
    const err = await client.enqueue(echo, { s: 'x'.repeat(2000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect((err as WarrenHttpError).status).toBe(413);
    expect((err as WarrenHttpError).message).toMatch(
      /^body exceeds 1000 bytes \(the job is \d+ bytes, over the 1000-byte limit of one job\)$/,
    );
    // Refused before the publish: nothing reached the broker.
    expect(broker.depth('default')).toBe(0);
  });
});
