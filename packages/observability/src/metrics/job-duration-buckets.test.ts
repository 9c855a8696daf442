import { describe, expect, it } from 'vitest';
import { bindExecutorMetrics } from './bind-events';
import { createMetrics } from './create-metrics';

/** The smallest finite `le` of warren_job_duration_seconds holding `seconds` (undefined: only +Inf). */
async function bucketOf(seconds: number): Promise<number | undefined> {
  const m = createMetrics();
  const job = { id: 'j', task: 't', queue: 'q' } as never;
  bindExecutorMetrics(m)({ type: 'succeeded', job, attempt: 1, durationMs: seconds * 1000 } as never);
  const values = (await m.jobDuration.get()).values;
  const les = values
    .filter((v) => v.metricName === 'warren_job_duration_seconds_bucket' && v.value === 1)
    .map((v) => Number((v.labels as Record<string, unknown>).le))
    .filter(Number.isFinite);
  return les.length > 0 ? Math.min(...les) : undefined;
}

// A task may run for days (timeoutMs up to 2^31 - 1 ms), and a long-running worker exists for jobs
// of minutes to hours. With 900 s as the last finite bucket, a 20-minute and a 5-hour job landed
// both in +Inf: histogram_quantile() answered 900 for any p99 above 15 minutes.
describe('warren_job_duration_seconds buckets', () => {
  it('tell milliseconds from seconds, and minutes from hours, each within a bucket ≤ 2.5× its duration', async () => {
    for (const s of [0.004, 0.2, 3, 45, 200, 1200, 3000, 7000, 18_000]) {
      const le = await bucketOf(s);
      expect(le, `${s} s`).toBeDefined();
      expect(le! / s, `${s} s in le=${le}`).toBeLessThanOrEqual(2.5);
    }
  });

  // A 5× gap (10→50 ms, 0.1→0.5 s, 1→5 s, 60→300 s: where most jobs run) put a 12 ms and a
  // 45 ms job in one bucket, and histogram_quantile() read the p50 of 12 ms jobs as 30 ms.
  it('hold every duration from 5 ms to 2 h within 2.5× (not only some)', async () => {
    for (let s = 0.005; s <= 7200; s *= 1.1) {
      const le = await bucketOf(s);
      expect(le! / s, `${s.toPrecision(3)} s in le=${le}`).toBeLessThanOrEqual(2.5);
    }
  });
});
