import { describe, expect, it } from 'vitest';
import { ensureCelery, runPython } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A real Celery 5.2 client calling a TypeScript task with a keyword its input does not have:
 * Python raises TypeError ("got an unexpected keyword argument"); warren's worker must not run
 * the task without it (on its defaults) and answer SUCCESS.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

describe.skipIf(!!celery.skip)('Celery keyword arguments a task does not take', () => {
  it("greet(nmae='ann') is refused naming the keyword, not run as greet(); greet(name='ann') runs", async () => {
    const stack: CeleryStack = await startCeleryStack();
    try {
      const out = JSON.parse(
        (
          await runPython(
            `import json
import warren_test_tasks
from tasks import app, CELERY_QUEUE
def outcome(r):
    try:
        return {'err': None, 'result': r.get(timeout=8)}
    except Exception as e:
        return {'err': type(e).__name__, 'message': str(e)}
rs = {
    'typo': app.send_task('demo.greet', kwargs={'nmae': 'ann'}, queue=CELERY_QUEUE),
    'extra': app.send_task('demo.add', args=(1, 2), kwargs={'c': 3}, queue=CELERY_QUEUE),
    'fits': app.send_task('demo.greet', kwargs={'name': 'ann'}, queue=CELERY_QUEUE),
}
print(json.dumps({k: outcome(r) for k, r in rs.items()}))`,
            stack.pyEnv,
            60_000,
          )
        )
          .trim()
          .split('\n')
          .at(-1) as string,
      );
      expect(out).toEqual({
        typo: {
          err: 'MessageRefused',
          message: expect.stringMatching(/^demo\.greet got an unexpected keyword argument 'nmae' .*\.dlq/),
        },
        extra: {
          err: 'MessageRefused',
          message: expect.stringMatching(/^demo\.add got an unexpected keyword argument 'c' .*\.dlq/),
        },
        fits: { err: null, result: 'hello ann!' },
      });
      expect(stack.events.filter((e) => e.type === 'started').map((e) => e.job.task)).toEqual(['demo.greet']);
    } finally {
      await stack.close();
    }
  }, 90_000);
});
