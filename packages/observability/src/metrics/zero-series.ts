import type { WarrenConfig } from '@warren/core';
import type { Metrics } from './create-metrics';

/**
 * Each configured task's job series (on its queue) at 0 from the start. A series born at its
 * first increment starts at 1 with no 0 before it, so increase() and rate() read that first
 * failure as nothing and an alert on it never fires (Prometheus: export 0 for the series you know
 * will exist).
 */
export function zeroJobSeries(m: Metrics, config: Pick<WarrenConfig, 'tasks'>): void {
  m.jobs.replayed.inc(0);
  for (const t of config.tasks.values()) {
    const labels = { task: t.name, queue: t.queue };
    for (const [name, c] of Object.entries(m.jobs)) if (name !== 'replayed') c.inc(labels, 0);
    m.jobDuration.zero(labels);
  }
}
