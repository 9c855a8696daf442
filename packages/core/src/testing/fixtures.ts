import type { JobEnvelope } from '@warren/protocol';
import { uuidv7 } from '../ids';

/** A valid envelope for tests; override any field. */
export function makeJob(overrides: Partial<JobEnvelope> = {}): JobEnvelope {
  return {
    v: 1,
    id: uuidv7(),
    task: 'demo.add',
    queue: 'default',
    input: { a: 2, b: 3 },
    attempt: 1,
    maxAttempts: 3,
    backoff: { kind: 'exponential', baseMs: 10, maxMs: 100, jitter: true },
    enqueuedAt: new Date().toISOString(),
    origin: 'local',
    hops: [],
    ...overrides,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  everyMs = 10,
): Promise<Exclude<T, undefined | null | false>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as Exclude<T, undefined | null | false>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${last}` : ''}`);
    await sleep(everyMs);
  }
}
