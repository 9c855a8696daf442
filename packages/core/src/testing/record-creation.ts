import type { TransitionPatch } from '../ports/result-store';

/** The fields a job's first write creates its record with (the contract suites' records). */
export const creation = (over: TransitionPatch = {}): TransitionPatch => ({
  task: 'demo.add',
  queue: 'default',
  input: { a: 2, b: 3 },
  enqueuedAt: new Date().toISOString(),
  maxAttempts: 3,
  region: 'local',
  ttlS: 60,
  ...over,
});
