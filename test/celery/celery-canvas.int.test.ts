import { describe, expect, it } from 'vitest';
import { ensureCelery, runPython } from './python';
import { withPythonWorker } from './python-worker-suite';
import type { CeleryStack } from './stack';

/**
 * Celery canvas sent by a real Celery 5.2 client to a queue warren's TypeScript worker consumes.
 * warren's worker does not run callbacks, chains or chords: a message carrying one must not run
 * its first task and drop the rest (the chain's AsyncResult then waits for ever). It is refused
 * into `<queue>.dlq` with the reason, and every task id the client may wait on (the message's,
 * the chain's next tasks', the chord callback's) gets the FAILURE meta. A group (independent
 * tasks, no callback) runs as usual, and so does a chain's last step, a chord's callback or a link
 * sent by a Python worker.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

const py = (body: string) =>
  `import json, time
import warren_test_tasks
from tasks import app, CELERY_QUEUE, PYTHON_QUEUE
from celery import chain, chord, group
def add(*args, **opts):
    return app.signature('demo.add', args=args, queue=CELERY_QUEUE, **opts)
def outcome(r):
    t0 = time.time()
    try:
        out = {'err': None, 'result': r.get(timeout=10)}
    except Exception as e:
        out = {'err': type(e).__name__, 'message': str(e)}
    out.update(state=getattr(r, 'state', None), took=time.time() - t0, id=r.id)
    return out
${body}`;

interface Outcome {
  err: string | null;
  message?: string;
  result?: unknown;
  state: string;
  took: number;
  id: string;
}

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} canvas sent to warren's worker`, () => {
  let stack: CeleryStack;
  const send = async (body: string) =>
    JSON.parse(
      (await runPython(py(body), stack.pyEnv, 60_000)).trim().split('\n').at(-1) as string,
    ) as Record<string, Outcome>;
  const started = (id: string) => stack.events.some((e) => e.job.id === id && e.type === 'started');

  withPythonWorker((s) => {
    stack = s;
  });

  const refused = (what: RegExp) => ({
    err: 'MessageRefused',
    state: 'FAILURE',
    message: expect.stringMatching(what),
  });

  it('chain(add(2, 3), add(4)): the chain result and its first task raise the refusal at once; nothing ran', async () => {
    const out = await send(
      `r = chain(add(2, 3), add(4)).apply_async()
print(json.dumps({'last': outcome(r), 'first': outcome(r.parent)}))`,
    );
    expect(out.last).toMatchObject(refused(/chain/));
    expect(out.first).toMatchObject(refused(/chain/));
    expect(out.last?.took).toBeLessThan(8);
    expect(started(out.first?.id as string)).toBe(false);
    const dead = await stack.broker.peekDeadLetters(stack.celeryQueue);
    expect(dead.some((d) => /chain/.test(d.reason))).toBe(true);
  }, 60_000);

  it('link= and link_error= callbacks: refused with the reason, not run without them', async () => {
    const out = await send(
      `print(json.dumps({
  'link': outcome(app.send_task('demo.add', args=(1, 2), queue=CELERY_QUEUE, link=add(10))),
  'link_error': outcome(app.send_task('demo.add', args=(1, 2), queue=CELERY_QUEUE, link_error=add(0, 0))),
}))`,
    );
    expect(out.link).toMatchObject(refused(/link/));
    expect(out.link_error).toMatchObject(refused(/link_error/));
    expect(started(out.link?.id as string) || started(out.link_error?.id as string)).toBe(false);
  }, 60_000);

  it('chord([add(1, 1), add(2, 2)], add(100)): the chord result raises the refusal', async () => {
    const out = await send(
      `r = chord([add(1, 1), add(2, 2)], add(100)).apply_async()
print(json.dumps({'chord': outcome(r)}))`,
    );
    expect(out.chord).toMatchObject(refused(/chord/));
  }, 60_000);

  it("a chain whose warren step is its last runs: py.mul(2, 3) in Python, then demo.add(6, 4) in warren's worker", async () => {
    // A Celery worker sends each next step as a plain message once its own step is done: the step
    // reaching warren carries no chain. One with steps after it would (refused as above).
    const out = await send(
      `mul = app.signature('py.mul', args=(2, 3), queue=PYTHON_QUEUE)
print(json.dumps({'chain': outcome(chain(mul, add(4)).apply_async())}))`,
    );
    expect(out.chain).toMatchObject({ err: null, result: 10, state: 'SUCCESS' });
  }, 60_000);

  it("a chord of Python tasks whose callback is warren's demo.sum (z.array input), and a link to demo.square (z.number): run", async () => {
    // The Python worker that completes the chord (or runs the linked task) sends the callback as a
    // plain message with the results as its one positional arg: sum([6, 20]), square(6).
    const out = await send(
      `mul = lambda a, b: app.signature('py.mul', args=(a, b), queue=PYTHON_QUEUE)
r = chord([mul(2, 3), mul(4, 5)], app.signature('demo.sum', queue=CELERY_QUEUE)).apply_async()
l = app.send_task('py.mul', args=(2, 3), queue=PYTHON_QUEUE, link=app.signature('demo.square', queue=CELERY_QUEUE))
l.get(timeout=10)
for _ in range(50):
    if l.children: break
    time.sleep(0.1)
print(json.dumps({'chord': outcome(r), 'link': outcome(l.children[0])}))`,
    );
    expect(out.chord).toMatchObject({ err: null, result: 26, state: 'SUCCESS' });
    expect(out.link).toMatchObject({ err: null, result: 36, state: 'SUCCESS' });
  }, 60_000);

  it('group(add(1, 1), add(2, 2)) runs each task (no callback): [2, 4]', async () => {
    const out = await send(
      `print(json.dumps({'group': outcome(group(add(1, 1), add(2, 2)).apply_async())}))`,
    );
    expect(out.group).toMatchObject({ err: null, result: [2, 4] });
  }, 60_000);
});
