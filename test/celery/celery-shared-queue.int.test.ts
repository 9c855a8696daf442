import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CeleryWorker, ensureCelery, runPython, startCeleryWorker } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A migration period: a Python Celery worker and warren's worker consume the same queue (both
 * run demo.add). Every task a Celery client sends runs once, in one of them, and its result
 * reaches AsyncResult.get; none is lost, none runs twice.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

const py = (body: string) =>
  `import json, time\nimport warren_test_tasks\nfrom tasks import app, CELERY_QUEUE\n${body}`;

describe.skipIf(!!celery.skip)('Celery and warren workers on one queue', () => {
  let stack: CeleryStack;
  let worker: CeleryWorker;
  beforeAll(async () => {
    stack = await startCeleryStack();
    worker = await startCeleryWorker(stack.celeryQueue, stack.pyEnv, `${stack.run}-shared`);
  }, 90_000);
  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  }, 30_000);

  it('40 send_task calls (half with a countdown): each runs once, every AsyncResult gets its sum', async () => {
    const out = JSON.parse(
      (
        await runPython(
          py(`rs = [app.send_task('demo.add', args=(i, 1000), queue=CELERY_QUEUE, countdown=(1 if i % 2 else None)) for i in range(40)]
print(json.dumps([[r.id, r.get(timeout=30)] for r in rs]))`),
          stack.pyEnv,
          60_000,
        )
      )
        .trim()
        .split('\n')
        .at(-1) as string,
    ) as [string, number][];
    expect(out.map(([, sum]) => sum)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1000));
    const ids = out.map(([id]) => id);
    const inWarren = stack.events.filter((e) => e.type === 'started').map((e) => e.job.id);
    const inCelery = ids.filter((id) => worker.logs().includes(`demo.add[${id}] succeeded`));
    const runs = ids.map((id) => inWarren.filter((w) => w === id).length + (inCelery.includes(id) ? 1 : 0));
    console.log(`warren ran ${inWarren.length}, celery ran ${inCelery.length}`);
    expect(runs).toEqual(ids.map(() => 1));
  }, 90_000);
});
