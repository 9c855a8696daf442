import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCelery, runPython } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A Celery message warren's worker cannot accept (a pickle body: warren speaks JSON only;
 * Celery's message protocol 1)
 * goes to `<queue>.dlq`; the Python client that sent it must learn so from its AsyncResult
 * instead of waiting for ever. (A custom task_id is accepted: celery-task-id.int.test.ts.)
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} messages warren refuses`, () => {
  let stack: CeleryStack;

  beforeAll(async () => {
    stack = await startCeleryStack();
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it("send_task(serializer='pickle', task_id='order-…'): AsyncResult.get raises the refusal promptly; the message is in the DLQ with its reason", async () => {
    const taskId = `order-${stack.run}`;
    const out = JSON.parse(
      (
        await runPython(
          `import json, time
import warren_test_tasks
from tasks import app, CELERY_QUEUE
t0 = time.time()
r = app.send_task('demo.add', args=(2, 3), queue=CELERY_QUEUE, task_id=${JSON.stringify(taskId)}, serializer='pickle')
try:
    r.get(timeout=15)
    out = {'err': None}
except Exception as e:
    out = {'err': type(e).__name__, 'message': str(e)}
out.update(state=r.state, took=time.time() - t0)
print(json.dumps(out))`,
          stack.pyEnv,
          60_000,
        )
      )
        .trim()
        .split('\n')
        .at(-1) as string,
    ) as { err: string | null; message?: string; state: string; took: number };

    expect(out).toMatchObject({ err: 'MessageRefused', state: 'FAILURE' });
    expect(out.message).toMatch(/^content type application\/x-python-serialize is not application\/json/);
    expect(out.message).toContain(`${stack.celeryQueue}.dlq`);
    expect(out.took).toBeLessThan(10);

    const dead = await stack.broker.peekDeadLetters(stack.celeryQueue);
    const mine = dead.find((d) => d.reason.includes('x-python-serialize'));
    expect(mine?.reason).toMatch(/^content type application\/x-python-serialize is not application\/json/);
    expect(await stack.redis.del(`celery-task-meta-${taskId}`)).toBe(1);
  }, 60_000);

  it('task_protocol=1 (JSON and pickle): refused into the DLQ naming why, and AsyncResult.get raises it, not PENDING for ever', async () => {
    // Protocol 1 has no id header: the task id travels in the body and as the correlation id.
    const out = JSON.parse(
      (
        await runPython(
          `import json, time
import warren_test_tasks
from tasks import app, CELERY_QUEUE
app.conf.task_protocol = 1
def outcome(r):
    t0 = time.time()
    try:
        r.get(timeout=8)
        out = {'err': None}
    except Exception as e:
        out = {'err': type(e).__name__, 'message': str(e)}
    out.update(state=r.state, took=time.time() - t0, id=r.id)
    return out
rs = {
    'json': app.send_task('demo.add', args=(2, 3), queue=CELERY_QUEUE),
    'pickle': app.send_task('demo.add', args=(2, 3), queue=CELERY_QUEUE, serializer='pickle'),
}
print(json.dumps({k: outcome(r) for k, r in rs.items()}))`,
          stack.pyEnv,
          60_000,
        )
      )
        .trim()
        .split('\n')
        .at(-1) as string,
    ) as Record<string, { err: string | null; message?: string; state: string; took: number; id: string }>;

    expect(out.json).toMatchObject({ err: 'MessageRefused', state: 'FAILURE' });
    expect(out.json?.message).toMatch(/^Celery protocol v1 is not supported \(use task_protocol 2\)/);
    expect(out.pickle).toMatchObject({ err: 'MessageRefused', state: 'FAILURE' });
    expect(out.pickle?.message).toMatch(
      /^content type application\/x-python-serialize is not application\/json/,
    );
    for (const k of ['json', 'pickle']) {
      expect(out[k]?.message, k).toContain(`${stack.celeryQueue}.dlq`);
      expect(out[k]?.took, k).toBeLessThan(5);
    }
    const dead = await stack.broker.peekDeadLetters(stack.celeryQueue);
    expect(dead.some((d) => d.reason.startsWith('Celery protocol v1 is not supported'))).toBe(true);
    for (const k of ['json', 'pickle']) await stack.redis.del(`celery-task-meta-${out[k]?.id}`);
  }, 60_000);
});
