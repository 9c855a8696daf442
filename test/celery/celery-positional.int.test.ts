import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCelery, runPython } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A real Celery 5.2 client calling TypeScript tasks whose input is not a keyword object the way
 * a Python caller would: `square.delay(7)` for `z.number()`, `total.delay([1, 2, 3])` or
 * `total.delay(1, 2, 3)` for `z.array()`. The positional args must reach the handler as the
 * value its schema takes, not as `{args, kwargs}` failing it; a task whose schema takes
 * `{args, kwargs}` (here `z.any()`) still gets that form, as documented.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} positional args of non-keyword inputs`, () => {
  let stack: CeleryStack;

  beforeAll(async () => {
    stack = await startCeleryStack();
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it('square(7), sum([1, 2, 3]), sum(1, 2, 3) run with the value; echo(1) gets {args, kwargs}', async () => {
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
calls = {
    'square': ('demo.square', (7,)),
    'sumList': ('demo.sum', ([1, 2, 3],)),
    'sumArgs': ('demo.sum', (1, 2, 3)),
    'echo': ('demo.echo', (1,)),
}
rs = {k: app.send_task(name, args=args, queue=CELERY_QUEUE) for k, (name, args) in calls.items()}
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
      square: { err: null, result: 49 },
      sumList: { err: null, result: 6 },
      sumArgs: { err: null, result: 6 },
      echo: { err: null, result: { args: [1], kwargs: {} } },
    });
  }, 60_000);

  it('a call Python itself would refuse (too many positional args, a keyword given twice) is refused naming why, not run on defaults', async () => {
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
    'fits': app.send_task('demo.greet', args=('ann',), queue=CELERY_QUEUE),
    'tooMany': app.send_task('demo.greet', args=('ann', '?', 'extra'), queue=CELERY_QUEUE),
    'twice': app.send_task('demo.add', args=(1,), kwargs={'a': 5, 'b': 2}, queue=CELERY_QUEUE),
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
      fits: { err: null, result: 'hello ann!' },
      tooMany: {
        err: 'MessageRefused',
        message: expect.stringMatching(
          /^demo\.greet takes 2 positional arguments \(name, punct\) but 3 were given .*\.dlq/,
        ),
      },
      twice: {
        err: 'MessageRefused',
        message: expect.stringMatching(/^demo\.add got multiple values for argument 'a' .*\.dlq/),
      },
    });
  }, 60_000);
});
