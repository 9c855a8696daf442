import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observedStack } from './observed-stack';
import { sample } from './prom-text';

describe('GET /metrics after a known workload (embedded stack)', () => {
  const s = observedStack();
  let text = '';

  beforeAll(async () => {
    await s.start();
    const adds = await Promise.all([1, 2, 3, 4, 5].map((a) => s.client.enqueue('demo.add', { a, b: 1 })));
    const echoes = await Promise.all([1, 2].map((x) => s.client.enqueue('demo.echo', { x })));
    const fail = await s.client.enqueue('demo.fail', {});
    const bad = await s.app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'demo.add', input: { a: 'x', b: 1 } }),
    });
    expect(bad.status).toBe(422);
    for (const j of [...adds, ...echoes, fail]) await s.client.wait(j, { timeoutMs: 15_000 });
    const res = await s.app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    text = await res.text();
  });
  afterAll(async () => {
    await s.stop();
  });

  const job = (task: string) => ({ task, queue: 'default' });

  it('counts enqueued, started, succeeded, retried, failed and dead-lettered jobs exactly', () => {
    expect(sample(text, 'warren_jobs_enqueued_total', job('demo.add'))).toBe(5);
    expect(sample(text, 'warren_jobs_enqueued_total', job('demo.echo'))).toBe(2);
    expect(sample(text, 'warren_jobs_enqueued_total', job('demo.fail'))).toBe(1);
    expect(sample(text, 'warren_jobs_started_total', job('demo.add'))).toBe(5);
    expect(sample(text, 'warren_jobs_succeeded_total', job('demo.add'))).toBe(5);
    expect(sample(text, 'warren_jobs_succeeded_total', job('demo.echo'))).toBe(2);
    // demo.fail: 3 attempts → 2 retries, then failed for good and dead-lettered.
    expect(sample(text, 'warren_jobs_started_total', job('demo.fail'))).toBe(3);
    expect(sample(text, 'warren_jobs_retried_total', job('demo.fail'))).toBe(2);
    expect(sample(text, 'warren_jobs_failed_total', job('demo.fail'))).toBe(1);
    expect(sample(text, 'warren_jobs_dead_lettered_total', job('demo.fail'))).toBe(1);
    expect(sample(text, 'warren_jobs_succeeded_total', job('demo.fail'))).toBe(0); // scraped at 0 from the start (zeroJobSeries)
    expect(sample(text, 'warren_job_duration_seconds_count', job('demo.add'))).toBe(5);
  });

  it('counts confirms per region, HTTP requests by route pattern and status, result-store calls', () => {
    expect(sample(text, 'warren_publish_confirm_seconds_count', { region: 'local' })).toBe(8);
    expect(
      sample(text, 'warren_http_requests_total', { route: '/v1/jobs', method: 'POST', status: '202' }),
    ).toBe(8);
    expect(
      sample(text, 'warren_http_requests_total', { route: '/v1/jobs', method: 'POST', status: '422' }),
    ).toBe(1);
    expect(sample(text, 'warren_region_circuit_state', { region: 'local', state: 'closed' })).toBe(1);
    expect(sample(text, 'warren_region_circuit_state', { region: 'local', state: 'open' })).toBe(0);
    // 8 jobs: 1 queued write (create) each; per attempt one running + one outcome write (8 + 2 retries → 10 attempts),
    // and per retry one mark once its copy is confirmed (93c421b). A first run's start that comes
    // before its producer's create (the in-memory broker delivers at once) is refused `missing`
    // and sent again with the creation fields (9cce97a): up to one more write per job.
    expect(sample(text, 'warren_result_store_seconds_count', { op: 'create' })).toBe(8);
    const transitions = sample(text, 'warren_result_store_seconds_count', { op: 'transition' });
    expect(transitions).toBeGreaterThanOrEqual(2 * 10 + 2);
    expect(transitions).toBeLessThanOrEqual(2 * 10 + 2 + 8);
  });

  it('reads queue depth and consumers from the broker on scrape, and the scaling signal', () => {
    expect(sample(text, 'warren_queue_depth', { queue: 'default' })).toBe(0);
    expect(sample(text, 'warren_queue_consumers', { queue: 'default' })).toBe(1);
    expect(sample(text, 'warren_queue_recommended_workers', { queue: 'default' })).toBe(1);
  });
});
