import type { WarrenConfig } from '@warren/core';
import type { Metrics } from './create-metrics';

/** What a process does with jobs: `enqueue` (an ingest), `run` (a worker). */
export type JobRole = 'enqueue' | 'run';

/**
 * Each configured task's job series (on its queue) at 0 from the start, for the roles this process
 * has. A series born at its first increment starts at 1 with no 0 before it, so increase() and
 * rate() read that first failure as nothing and an alert on it never fires (Prometheus: export 0
 * for the series you know will exist). Per role: an ingest never runs a job, a forwarder neither
 * runs nor enqueues, and a zero series for each is noise in their scrapes.
 */
export function zeroJobSeries(
  m: Metrics,
  config: Pick<WarrenConfig, 'tasks'>,
  roles: readonly JobRole[],
): void {
  const enqueue = roles.includes('enqueue');
  const run = roles.includes('run');
  if (enqueue) m.jobs.replayed.inc(0);
  for (const t of config.tasks.values()) {
    const labels = { task: t.name, queue: t.queue };
    if (enqueue) m.jobs.enqueued.inc(labels, 0);
    if (!run) continue;
    for (const [name, c] of Object.entries(m.jobs))
      if (name !== 'replayed' && name !== 'enqueued') c.inc(labels, 0);
    m.jobDuration.zero(labels);
  }
}
