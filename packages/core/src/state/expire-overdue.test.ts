import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineConfig } from '../config/define-config';
import { buildEnvelope } from '../enqueue/build-envelope';
import { MemoryBroker } from '../memory/memory-broker';
import { MemoryResultStore } from '../memory/memory-result-store';
import { defineTask } from '../task/define-task';
import { makeJob, sleep } from '../testing/fixtures';
import { expireOverdue } from './expire-overdue';
import { waitUntilTerminal } from './wait-until-terminal';

const config = defineConfig({
  queues: { q: { messageTtlMs: 200 } },
  tasks: [defineTask({ name: 't', queue: 'q', input: z.unknown(), handler: async () => 1 })],
});

describe("a queue's messageTtlMs", () => {
  it("is the job's deadline from its due time, unless the request asks for a sooner one", async () => {
    const at = Date.parse('2030-01-01T00:00:00.000Z');
    const built = (req: object) =>
      buildEnvelope(config, { task: 't', input: null, ...req }, { origin: 'local', nowMs: at });
    expect((await built({})).envelope.expiresAt).toBe('2030-01-01T00:00:00.200Z');
    expect((await built({ delayMs: 1000 })).envelope.expiresAt).toBe('2030-01-01T00:00:01.200Z');
    expect((await built({ expiresInMs: 50 })).envelope.expiresAt).toBe('2030-01-01T00:00:00.050Z');
    expect((await built({ expiresInMs: 5000 })).envelope.expiresAt).toBe('2030-01-01T00:00:00.200Z');
  });

  it('a record still waiting at its expiresAt is recorded expired by its readers; a wait ends then', async () => {
    const results = new MemoryResultStore();
    const expiresAt = new Date(Date.now() + 150).toISOString();
    await results.transition('a', 'queued', { task: 't', queue: 'q', expiresAt });
    const first = (await results.get('a'))!;
    expect((await expireOverdue(results, first, config)).state).toBe('queued'); // not yet
    const t0 = Date.now();
    const rec = await waitUntilTerminal(results, 'a', 5000, { current: first, config });
    expect(rec?.state).toBe('expired');
    expect(Date.now() - t0).toBeLessThan(4000);
    // A job that started before its deadline is not touched.
    await results.transition('b', 'queued', { task: 't', queue: 'q', expiresAt });
    await results.transition('b', 'running', { owner: 'w', attempts: 1 });
    await sleep(200);
    expect((await expireOverdue(results, (await results.get('b'))!, config)).state).toBe('running');
  });

  it('a worker that starts the job between the read and the expiry wins (its run is not ended)', async () => {
    const results = new MemoryResultStore();
    const expiresAt = new Date(Date.now() - 1).toISOString();
    await results.transition('c', 'queued', { task: 't', queue: 'q', expiresAt });
    const read = (await results.get('c'))!; // queued, past its deadline
    // A worker (its clock a little behind, or its check just before the deadline) starts it now.
    await results.transition('c', 'running', { owner: 'w', attempts: 1, leaseMs: 60_000 });
    expect((await expireOverdue(results, read, config)).state).toBe('running');
    expect((await results.transition('c', 'succeeded', { owner: 'w', result: 1 })).ok).toBe(true);
  });

  it('the in-memory broker dead-letters a message not handed out in time, as RabbitMQ does', async () => {
    const broker = new MemoryBroker({ queues: config.queues });
    await broker.publish('q', makeJob({ queue: 'q' }));
    await sleep(250);
    expect(broker.depth('q')).toBe(0);
    expect(broker.deadLetters('q').map((d) => d.reason)).toEqual(['expired']);
  });
});
