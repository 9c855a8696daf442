import { PARKED_DELAYS_QUEUE, type ParkedReport } from '@warren/amqp';
import { loadConfig } from '../runtime/load-config';
import { withRegionBroker } from '../runtime/with-region-broker';
import { visibleControls } from './visible-controls';

export interface ParkedOptions {
  /** Send the jobs of queues that exist again back to them. */
  release?: boolean;
  /** Only this queue's jobs are sent back. */
  queue?: string;
  limit: number;
  json?: boolean;
}

/**
 * `warren parked [--release]`: the delayed jobs RabbitMQ parked in `warren.delay.parked` because
 * their queue was gone when they fell due, by queue; with `--release`, those whose queue exists
 * again go back to it (each removed only after its copy is confirmed). Exits 1 when jobs stay
 * parked for a queue that is still missing and `--release` was asked for it.
 */
export async function parked(o: ParkedOptions): Promise<void> {
  const env = process.env;
  const config = await loadConfig(env);
  const report = await withRegionBroker('warren parked', config, env, '', (broker) =>
    broker.parked({ max: o.limit, release: !!o.release, only: o.queue }),
  );
  if (o.json) console.log(JSON.stringify({ parkingQueue: PARKED_DELAYS_QUEUE, ...report }, null, 2));
  else for (const line of parkedLines(report, !!o.release)) console.log(line);
  const stuck = report.queues.filter((q) => !q.exists && (o.queue === undefined || q.queue === o.queue));
  if (o.release && stuck.length > 0)
    throw new Error(
      `warren parked: ${stuck.map((q) => q.queue).join(', ')} still missing: declare the queue (start its worker) and release again`,
    );
  const refused = report.queues.filter((q) => q.refused > 0);
  if (refused.length > 0)
    throw new Error(
      `warren parked: ${refused.map((q) => `${q.queue} refused ${q.refused}`).join(', ')} (at its maxLength?): they stay parked; release again once it has room`,
    );
}

/** The report as a person reads it: one line per queue, then what was not read. */
export function parkedLines(r: ParkedReport, release: boolean): string[] {
  const total = r.queues.reduce((n, q) => n + q.count, 0);
  if (total === 0) return [`${PARKED_DELAYS_QUEUE}: no parked delayed jobs`];
  const width = Math.max(...r.queues.map((q) => visibleControls(q.queue).length));
  const lines = [
    `${PARKED_DELAYS_QUEUE}: ${total} delayed job(s) of ${r.queues.length} queue(s) whose queue was gone when they fell due`,
  ];
  for (const q of r.queues) {
    const state = q.exists ? 'queue exists' : 'queue missing';
    const refused = q.refused > 0 ? `, ${q.refused} refused by the queue (still parked)` : '';
    const moved = release ? `, ${q.released} sent back${refused}` : '';
    lines.push(
      `  ${visibleControls(q.queue).padEnd(width)}  ${String(q.count).padStart(6)}  ${state}${moved}`,
    );
  }
  if (r.more > 0) lines.push(`  … and ${r.more} more not read (raise --limit)`);
  if (!release && r.queues.some((q) => q.exists)) lines.push('send them back: warren parked --release');
  return lines;
}
