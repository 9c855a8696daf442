import { eventually } from '@warren/core/testing';
import { expect, it } from 'vitest';
import { jobFor } from './support/tasks';
import { workerProcessRun } from './support/worker-process-run';

const run = workerProcessRun('td');
const { Q, TRACE, results, redis } = run;

/**
 * Ctrl-C twice (SIGTERM then SIGINT) while jobs run: the worker exits at once (130) but first
 * aborts its runs and hands them back unspent, as the drain's deadline does. It used to exit with
 * them `running`: once their leases lapsed another worker took each over as a lost worker's run,
 * spending its attempt, so a job on its last attempt failed (WorkerLostError) without ever finishing.
 */
it('a second signal hands the running jobs back before exiting: none failed as lost, each run once', async () => {
  const jobs = Array.from({ length: 4 }, () => jobFor('w.mark', Q, { ms: 2500 }, { maxAttempts: 1 }));
  for (const j of jobs) await run.broker.publisher.publish(Q, j);
  // A short lease margin: before the fix, the lapsed leases come within the test's time.
  const lease = { TEST_CONCURRENCY: '4', TEST_LEASE_MARGIN_MS: '2000' };
  const a = run.start({ ...lease, TEST_SHUTDOWN_MS: '10000' });
  await a.ready;
  const states = async () => (await Promise.all(jobs.map((j) => results.get(j.id)))).map((r) => r?.state);
  await eventually(async () => (await states()).every((s) => s === 'running'), 20_000, 20);
  a.child.kill('SIGTERM');
  await eventually(async () => a.output().includes('SIGTERM: shutting down'), 5000, 20);
  a.child.kill('SIGINT');
  expect(await a.exited).toBe(130);
  expect(a.output()).toMatch(/running jobs handed back; exiting/);
  expect(await states()).toEqual(jobs.map(() => 'retrying'));

  const b = run.start(lease);
  await b.ready;
  await eventually(
    async () => (await states()).every((s) => s === 'succeeded' || s === 'failed'),
    30_000,
    100,
  );
  expect(await states()).toEqual(jobs.map(() => 'succeeded'));
  const trace = await redis.lrange(TRACE, 0, -1);
  expect(trace.sort()).toEqual(jobs.map((j) => j.id).sort());
  expect((await run.broker.checkQueue(Q)).messageCount).toBe(0);
  b.child.kill('SIGTERM');
  expect(await b.exited).toBe(0);
}, 60_000);
