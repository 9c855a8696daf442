/** A valid v1 job envelope as JSON would carry it, for the package's tests. */
export const TEST_ENVELOPE = {
  v: 1,
  id: '01920000-0000-7000-8000-000000000000',
  task: 'demo.add',
  queue: 'default',
  input: { a: 1 },
  attempt: 1,
  maxAttempts: 3,
  backoff: { kind: 'exponential', baseMs: 1000, maxMs: 10_000, jitter: true },
  enqueuedAt: '2026-01-01T00:00:00.000Z',
  origin: 'eu',
  hops: [],
};
