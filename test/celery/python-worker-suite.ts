import { afterAll, afterEach, beforeAll } from 'vitest';
import { type CeleryWorker, startCeleryWorker } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * The hooks of a suite on the Celery stack with a Python worker on its python queue: both started
 * before the suite (handed to `ready`), stopped after it, and the worker's log tail printed after
 * a failed test (the Python side's story, for whoever debugs it).
 */
export function withPythonWorker(ready: (stack: CeleryStack, worker: CeleryWorker) => void): void {
  let stack: CeleryStack | undefined;
  let worker: CeleryWorker | undefined;

  beforeAll(async () => {
    stack = await startCeleryStack();
    worker = await startCeleryWorker(stack.pythonQueue, stack.pyEnv, stack.run);
    ready(stack, worker);
  }, 90_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail')
      console.log(`celery worker log (tail):\n${worker?.logs().slice(-4000)}`);
  });

  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  }, 30_000);
}
