import { randomUUID } from 'node:crypto';
import { cancelOnCeleryRevoke, RevokedIds, skipRevokedCeleryTasks } from '@warren/amqp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCelery, runPython } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A real Celery 5.2 client revokes (`AsyncResult.revoke()`, `app.control.revoke`) tasks it sent to
 * a queue warren's TypeScript worker consumes, as it would with a Celery worker: one waiting for
 * its ETA is skipped and ends REVOKED, one running goes on (no terminate), one finished stays.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

const py = (body: string) =>
  `import json, time
import warren_test_tasks
from tasks import app, CELERY_QUEUE
def outcome(r, timeout=15):
    try:
        out = {'err': None, 'result': r.get(timeout=timeout)}
    except Exception as e:
        out = {'err': type(e).__name__, 'message': str(e)}
    out.update(state=r.state, id=r.id)
    return out
${body}`;

interface Outcome {
  err: string | null;
  message?: string;
  result?: unknown;
  state: string;
  id: string;
}

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} revoke of tasks warren's worker holds`, () => {
  let stack: CeleryStack;
  const send = async (body: string) =>
    JSON.parse(
      (await runPython(py(body), stack.pyEnv, 60_000)).trim().split('\n').at(-1) as string,
    ) as Record<string, Outcome>;
  const started = (id: string) => stack.events.filter((e) => e.job.id === id && e.type === 'started').length;

  beforeAll(async () => {
    stack = await startCeleryStack();
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it('AsyncResult.revoke() of a task waiting for its countdown (a UUID id and a custom id): REVOKED, never run', async () => {
    const out = await send(
      `a = app.send_task('demo.add', args=(1, 2), countdown=3, queue=CELERY_QUEUE)
b = app.send_task('demo.add', args=(3, 4), countdown=3, queue=CELERY_QUEUE, task_id='order-${stack.run}')
time.sleep(0.5)
a.revoke()
app.control.revoke(b.id)
print(json.dumps({'uuid': outcome(a), 'custom': outcome(b)}))`,
    );
    for (const k of ['uuid', 'custom'])
      expect(out[k], k).toMatchObject({ err: 'TaskRevokedError', state: 'REVOKED' });
    expect(started(out.uuid?.id as string)).toBe(0);
    expect(stack.events.some((e) => e.type === 'started' && e.job.idempotencyKey?.endsWith(stack.run))).toBe(
      false,
    );
    expect(await stack.results.get(out.uuid?.id as string)).toMatchObject({ state: 'cancelled' });
    await stack.redis.del(`celery-task-meta-order-${stack.run}`);
  }, 60_000);

  it('an id warren has no record of: nothing is written at the revoke (a Celery worker may hold it); it is skipped when delivered', async () => {
    // Every warren worker on the broker hears each revoke, another deployment's and those of tasks
    // only Python workers run: a REVOKED meta written then would tell the client a task a Celery
    // worker is running was revoked.
    const revoked = new RevokedIds();
    const onRevoke = cancelOnCeleryRevoke(stack.config, stack.results, revoked);
    const id = randomUUID();
    await onRevoke({ taskIds: [id], terminate: false });
    expect(await stack.results.get(id)).toBeUndefined();
    expect(await stack.results.celeryMeta(id)).toBeUndefined();
    expect(revoked.has(id)).toBe(true);
    // Delivered to a worker that heard it: cancelled instead of started, REVOKED for the client.
    const store = skipRevokedCeleryTasks(stack.results, revoked, stack.config);
    const out = await store.transition(id, 'running', {
      task: 'demo.add',
      queue: stack.celeryQueue,
      owner: 'w',
    });
    expect(out).toMatchObject({ ok: false, reason: 'already-finished', state: 'cancelled' });
    expect(await stack.results.celeryMeta(id)).toMatchObject({ status: 'REVOKED' });
    await stack.redis.del(`celery-task-meta-${id}`);
  }, 30_000);

  it('a revoke without terminate lets a running task finish; a finished task stays SUCCESS', async () => {
    const out = await send(
      `done = app.send_task('demo.add', args=(5, 5), queue=CELERY_QUEUE)
done.get(timeout=10)
running = app.send_task('demo.sleepy', kwargs={'ms': 2000}, queue=CELERY_QUEUE)
time.sleep(1)
running.revoke()
done.revoke()
print(json.dumps({'running': outcome(running), 'done': outcome(done)}))`,
    );
    expect(out.running).toMatchObject({ err: null, result: 'woke', state: 'SUCCESS' });
    expect(out.done).toMatchObject({ err: null, result: 10, state: 'SUCCESS' });
  }, 60_000);

  it('revoke(terminate=True) of a running task aborts it: REVOKED', async () => {
    const out = await send(
      `r = app.send_task('demo.sleepy', kwargs={'ms': 8000}, queue=CELERY_QUEUE)
time.sleep(1)
t0 = time.time()
r.revoke(terminate=True)
out = outcome(r, 6)
out['took'] = time.time() - t0
print(json.dumps({'running': out}))`,
    );
    expect(out.running).toMatchObject({ err: 'TaskRevokedError', state: 'REVOKED' });
    expect((out.running as unknown as { took: number }).took).toBeLessThan(5);
    expect(await stack.results.get(out.running?.id as string)).toMatchObject({ state: 'cancelled' });
  }, 60_000);
});
