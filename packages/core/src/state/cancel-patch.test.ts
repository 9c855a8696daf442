import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../config/define-config';
import { defineTask } from '../task/define-task';
import { cancelPatch } from './cancel-patch';

const config = defineConfig({
  results: { ttlS: 60 },
  tasks: [defineTask({ name: 'long', input: z.unknown(), timeoutMs: 600_000, resultTtlS: 10 })],
});
const now = Date.parse('2030-01-01T00:00:00.000Z');

describe('cancelPatch', () => {
  it('keeps a cancelled record until the job could next be delivered, behind a backlog too', () => {
    // A waiting record's day (WAITING_RECORD_TTL_S), not the 60 s a finished one keeps.
    expect(cancelPatch({ task: 'long', state: 'queued' }, config, now)).toEqual({ ttlS: 86_400 });
    const notBefore = new Date(now + 3_600_000).toISOString();
    expect(cancelPatch({ task: 'long', state: 'scheduled', notBefore }, config, now)).toEqual({
      ttlS: 86_400 + 3600,
    });
    expect(cancelPatch({ task: 'long', state: 'retrying' }, config, now)).toEqual({ ttlS: 86_400 + 86_400 });
  });

  it('a running job: past a copy deferred behind its lease (timeout + 30 s), which must find it cancelled', () => {
    expect(cancelPatch({ task: 'long', state: 'running' }, config, now).ttlS).toBeGreaterThanOrEqual(
      60 + 630,
    );
  });

  it("a running job: the lease counts the workers' worker.leaseMarginMs", () => {
    const wide = defineConfig({
      results: { ttlS: 60 },
      tasks: [...config.tasks.values()],
      worker: { leaseMarginMs: 300_000 },
    });
    expect(cancelPatch({ task: 'long', state: 'running' }, wide, now).ttlS).toBeGreaterThanOrEqual(60 + 900);
  });
});
