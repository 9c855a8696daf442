import { eventually } from '@warren/core/testing';
import { expect, it } from 'vitest';
import { jobFor } from './support/tasks';
import { workerProcessRun } from './support/worker-process-run';

const run = workerProcessRun('tb');
const { Q, TRACE, results, redis } = run;

/**
 * A burst at concurrency 20, SIGTERM mid-burst (Kubernetes rolling the worker): exit 0, every job
 * either finished or handed back (never left `running`), and each task body completed exactly once
 * once a second worker has drained the rest.
 */
it('SIGTERM during a burst at concurrency 20: exit 0, nothing lost, nothing run twice', async () => {
  const jobs = Array.from({ length: 60 }, (_, i) => jobFor('w.mark', Q, { ms: 200 + ((i * 137) % 2600) }));
  for (const j of jobs) await run.broker.publisher.publish(Q, j);
  const a = run.start({ TEST_CONCURRENCY: '20', TEST_SHUTDOWN_MS: '1000' });
  await a.ready;
  await eventually(async () => (await redis.llen(TRACE)) >= 5, 20_000, 20);
  a.child.kill('SIGTERM');
  const code = await a.exited;
  expect(code, `exit ${code}; output:\n${a.output()}`).toBe(0);
  const states = await Promise.all(jobs.map(async (j) => (await results.get(j.id))?.state));
  expect(
    states.filter((s) => s === 'running'),
    states.join(','),
  ).toEqual([]);

  const b = run.start({ TEST_CONCURRENCY: '20' });
  await b.ready;
  await eventually(
    async () =>
      (await Promise.all(jobs.map((j) => results.get(j.id)))).every((r) => r?.state === 'succeeded'),
    40_000,
    250,
  );
  const trace = await redis.lrange(TRACE, 0, -1);
  expect(trace.length).toBe(jobs.length);
  expect(new Set(trace).size).toBe(jobs.length);
  expect((await run.broker.checkQueue(Q)).messageCount).toBe(0);
  b.child.kill('SIGTERM');
  expect(await b.exited).toBe(0);
}, 90_000);
