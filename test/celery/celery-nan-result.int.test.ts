import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CeleryWorker, ensureCelery, startCeleryWorker } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A Python worker's result holding inf or nan: Celery's JSON (Python's json.dumps, allow_nan)
 * writes bare Infinity / NaN in the meta, which JSON.parse refuses.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

describe.skipIf(!!celery.skip)('a Python result with Infinity / NaN', () => {
  let stack: CeleryStack;
  let worker: CeleryWorker;
  beforeAll(async () => {
    stack = await startCeleryStack();
    worker = await startCeleryWorker(stack.pythonQueue, stack.pyEnv, stack.run);
  }, 90_000);
  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  }, 30_000);

  it('py.mul(1e308, 10) = inf: GET gives succeeded with null (as JSON.stringify writes it), not queued for ever', async () => {
    const res = await fetch(`${stack.base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'py.mul', input: { a: 1e308, b: 10 } }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const rec = (await (await fetch(`${stack.base}/v1/jobs/${id}?wait=15s`)).json()) as Record<
      string,
      unknown
    >;
    const meta = await stack.redis.get(`celery-task-meta-${id}`);
    await stack.redis.del(`celery-task-meta-${id}`);
    expect(meta).toContain('"result": Infinity');
    expect(rec).toMatchObject({ id, state: 'succeeded', result: null });
  }, 60_000);
});
