import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CeleryWorker, ensureCelery, runPython, startCeleryWorker } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * Python ints have no size limit and Celery's JSON carries them as written (a 64-bit id is common);
 * JavaScript reads any integer past 2^53 - 1 as the nearest double, another number. A task sent
 * with one must not run on a different value: it is refused with the reason (AsyncResult.get
 * raises it), while integers JavaScript holds exactly run as usual.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} integers past 2^53`, () => {
  let stack: CeleryStack;
  let worker: CeleryWorker | undefined;

  beforeAll(async () => {
    stack = await startCeleryStack();
    worker = await startCeleryWorker(stack.pythonQueue, stack.pyEnv, stack.run);
  }, 90_000);

  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  }, 30_000);

  it("a Python worker's result holding 2**63 - 1: GET gives its digits (as a string), not 9223372036854775808", async () => {
    const res = await fetch(`${stack.base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'py.big', input: {} }),
    });
    const { id } = (await res.json()) as { id: string };
    const rec = (await (await fetch(`${stack.base}/v1/jobs/${id}?wait=15s`)).json()) as Record<
      string,
      unknown
    >;
    expect(rec).toMatchObject({
      state: 'succeeded',
      result: { id: '9223372036854775807', small: 9007199254740991, text: '9223372036854775807' },
    });
  }, 30_000);

  it('send_task with 2**63 - 1: refused naming the value, not run on 9223372036854775808; 2**53 - 1 runs', async () => {
    const out = JSON.parse(
      (
        await runPython(
          `import json
import warren_test_tasks
from tasks import app, CELERY_QUEUE
def outcome(r):
    try:
        return {'err': None, 'result': r.get(timeout=10)}
    except Exception as e:
        return {'err': type(e).__name__, 'message': str(e)}
big = app.send_task('demo.echo', kwargs={'user_id': 2**63 - 1}, queue=CELERY_QUEUE)
ok = app.send_task('demo.echo', args=([2**53 - 1, -(2**53 - 1), 1.5e300, "12345678901234567890"],), queue=CELERY_QUEUE)
print(json.dumps({'big': outcome(big), 'ok': outcome(ok)}))`,
          stack.pyEnv,
          60_000,
        )
      )
        .trim()
        .split('\n')
        .at(-1) as string,
    );
    expect(out.big).toMatchObject({
      err: 'MessageRefused',
      message: expect.stringMatching(/9223372036854775807/),
    });
    expect(out.ok).toEqual({
      err: null,
      result: { args: [[9007199254740991, -9007199254740991, 1.5e300, '12345678901234567890']], kwargs: {} },
    });
  }, 60_000);
});
