import { defineConfig } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createLogger, createObservability } from '@warren/observability';
import { expect, it } from 'vitest';
import { renderStatus } from './status';

// The recent failures list keeps the last 50 however old, and showed each at its time of day
// alone (10:23:08): a failure from days ago read as today's.
it("shows a recent failure's age at the snapshot, days included", async () => {
  const obs = createObservability({
    config: defineConfig({ tasks: [] }),
    logger: createLogger({ level: 'silent' }),
  });
  const job = makeJob({ task: 'mail.send', queue: 'mail' });
  obs.executorEvents({ type: 'failed', job, attempt: 1, reason: 'boom' });
  const snap = await obs.status();
  const at = Date.parse(snap.recentFailures[0]!.at);
  const row = (generatedAt: number) =>
    renderStatus({ ...snap, generatedAt: new Date(generatedAt).toISOString() })
      .split('\n')
      .find((l) => l.includes(job.id))!
      .trim()
      .split(/\s+/)[0];
  // The same failure in the snapshot of a process still running later.
  expect(row(at + 3 * 86_400_000 + 5000)).toBe('3d');
  expect(row(at + 2 * 3_600_000)).toBe('2h');
  expect(row(at + 7 * 60_000)).toBe('7m');
  expect(row(at + 4000)).toBe('4s');
});

// A worker's or forwarder's snapshot (--metrics-port) has no regions: the table was a bare header.
it('says a process without regions has none, as for queues and links', async () => {
  const obs = createObservability({
    config: defineConfig({ tasks: [] }),
    logger: createLogger({ level: 'silent' }),
  });
  const text = renderStatus(await obs.status());
  expect(text).toMatch(/^REGIONS\n {2}\(none: this process publishes to no region\)$/m);
});
