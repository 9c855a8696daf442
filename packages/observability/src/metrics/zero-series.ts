import type { WarrenConfig } from '@warren/core';
import type { Metrics } from './create-metrics';

/** What a process does with jobs: `enqueue` (an ingest), `run` (a worker). */
export type JobRole = 'enqueue' | 'run';

/**
 * Each configured task's job series (on its queue), and for an enqueuing process each region's
 * publish failures, at 0 from the start, for the roles this process
 * has. A series born at its first increment starts at 1 with no 0 before it, so increase() and
 * rate() read that first failure as nothing and an alert on it never fires (Prometheus: export 0
 * for the series you know will exist). Per role: an ingest never runs a job, a forwarder neither
 * runs nor enqueues, and a zero series for each is noise in their scrapes.
 */
export function zeroJobSeries(
  m: Metrics,
  config: Pick<WarrenConfig, 'tasks' | 'region' | 'regions'>,
  roles: readonly JobRole[],
): void {
  const enqueue = roles.includes('enqueue');
  const run = roles.includes('run');
  if (enqueue) {
    m.jobs.replayed.inc(0);
    // A region's first failed publish (it failed over once) is an alert's first 0 -> 1.
    for (const r of new Set([config.region, ...config.regions.map((x) => x.id)]))
      m.publishFailures.inc({ region: r }, 0);
  }
  for (const t of config.tasks.values()) {
    const labels = { task: t.name, queue: t.queue };
    if (enqueue) m.jobs.enqueued.inc(labels, 0);
    if (!run) continue;
    for (const [name, c] of Object.entries(m.jobs))
      if (name !== 'replayed' && name !== 'enqueued') c.inc(labels, 0);
    m.jobDuration.zero(labels);
  }
}
