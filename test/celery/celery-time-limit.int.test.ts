import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CeleryWorker, ensureCelery, startCeleryWorker } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A job warren sends to a Python Celery worker (prefork pool: it enforces time limits) for a task
 * whose warren definition sets no `timeoutMs`: the message must not carry warren's own 60 s
 * default as Celery's per-call `time_limit`, which overrides the Python task's own limit (longer
 * or shorter) and put one on tasks that had none.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} time limits of jobs warren sends`, () => {
  let stack: CeleryStack;
  let worker: CeleryWorker | undefined;

  beforeAll(async () => {
    stack = await startCeleryStack();
    worker = await startCeleryWorker(stack.pythonQueue, stack.pyEnv, stack.run, 'prefork');
  }, 90_000);

  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  }, 30_000);

  it("py.capped (Python's time_limit=2) sleeping 4 s: killed at its own limit, no time limit in the message", async () => {
    const res = await fetch(`${stack.base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'py.capped', input: { s: 4 } }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const rec = (await (await fetch(`${stack.base}/v1/jobs/${id}?wait=15s`)).json()) as Record<
      string,
      unknown
    >;
    expect(rec, worker?.logs().slice(-2000)).toMatchObject({
      state: 'failed',
      error: { type: 'TimeLimitExceeded' },
    });
  }, 30_000);
});
