import type { WarrenConfig } from '@warren/core';

/**
 * The label value for a task or queue the config does not name. Real names start with a letter
 * or digit, so this one is never a task's or a queue's.
 */
export const UNKNOWN_LABEL = '_unknown';

export type JobLabels = (job: { task: string; queue: string }) => { task: string; queue: string };

/**
 * Task and queue labels limited to the names this process knows (the config's, and the queues it
 * reports, e.g. a worker's --queues). An envelope's names are whatever its publisher wrote (a
 * Celery producer, anything that can publish to a consumed queue): taken as labels, each made-up
 * name was another series in every job metric, without bound.
 */
export function jobLabels(config: Pick<WarrenConfig, 'tasks' | 'queues'>, queues: () => readonly string[]) {
  const queue = (q: string) => (Object.hasOwn(config.queues, q) || queues().includes(q) ? q : UNKNOWN_LABEL);
  return (job: { task: string; queue: string }) => ({
    task: config.tasks.has(job.task) ? job.task : UNKNOWN_LABEL,
    queue: queue(job.queue),
  });
}
