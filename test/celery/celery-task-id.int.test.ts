import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCelery, runPython } from './python';
import { type CeleryStack, startCeleryStack } from './stack';

/**
 * A Celery client's own task id (`apply_async(task_id='order-123')`, `send_task(..., task_id=…)`,
 * common for dedupe) is not a UUID/ULID, which warren's job ids must be. warren runs it under the
 * UUIDv5 of the id in a fixed namespace (documented in examples/python/README.md, so Python can
 * compute it), and writes the Celery meta under the id the client knows.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

/** The namespace the README documents: uuid.uuid5(uuid.NAMESPACE_URL, 'warren:celery-task-id'). */
const NS = '76f5ab5a-80ba-57cd-b3b5-662530ca3d3b';

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} custom task ids`, () => {
  let stack: CeleryStack;
  const py = async <T>(body: string) =>
    JSON.parse(
      (
        await runPython(
          `import json, time, uuid\nimport warren_test_tasks\nfrom tasks import app, CELERY_QUEUE\nNS = uuid.UUID('${NS}')\n${body}`,
          stack.pyEnv,
          60_000,
        )
      )
        .trim()
        .split('\n')
        .at(-1) as string,
    ) as T;
  const started = (id: string) => stack.events.filter((e) => e.job.id === id && e.type === 'started').length;

  beforeAll(async () => {
    stack = await startCeleryStack();
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
    // After the worker stopped: a run refused after its cancel repairs the REVOKED meta on its way out.
    const redis = new Redis('redis://127.0.0.1:6379/0');
    const keys = await redis.keys(`celery-task-meta-*${stack?.run}*`);
    if (stack && keys.length) await redis.del(...keys);
    redis.disconnect();
  }, 30_000);

  it("send_task(task_id='order-…'): AsyncResult('order-…').get returns the TypeScript task's result; GET /v1/jobs/<uuid5> has the job", async () => {
    const taskId = `order-${stack.run}`;
    const out = await py<{ result: number; state: string; derived: string }>(
      `r = app.send_task('demo.add', args=(2, 3), queue=CELERY_QUEUE, task_id=${JSON.stringify(taskId)})
res = app.AsyncResult(${JSON.stringify(taskId)}).get(timeout=15)
print(json.dumps({'result': res, 'state': r.state, 'derived': str(uuid.uuid5(NS, ${JSON.stringify(taskId)}))}))`,
    );
    expect(out).toMatchObject({ result: 5, state: 'SUCCESS' });
    const res = await fetch(`${stack.base}/v1/jobs/${out.derived}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: out.derived,
      task: 'demo.add',
      state: 'succeeded',
      result: 5,
      idempotencyKey: `celery-task-id:${taskId}`,
    });
    // Written under the client's id only: no second meta under the derived one.
    expect(await stack.redis.exists(`celery-task-meta-${out.derived}`)).toBe(0);
    expect(await stack.broker.peekDeadLetters(stack.celeryQueue)).toEqual([]);
  }, 60_000);

  it('the same custom id sent twice runs once; both AsyncResults get the one result', async () => {
    const taskId = `dedupe-${stack.run}`;
    const first = await py<{ result: number; derived: string }>(
      `r = app.send_task('demo.add', args=(1, 1), queue=CELERY_QUEUE, task_id=${JSON.stringify(taskId)})
print(json.dumps({'result': r.get(timeout=15), 'derived': str(uuid.uuid5(NS, ${JSON.stringify(taskId)}))}))`,
    );
    expect(first.result).toBe(2);
    const second = await py<{ result: number }>(
      `r = app.send_task('demo.add', args=(1, 1), queue=CELERY_QUEUE, task_id=${JSON.stringify(taskId)})
print(json.dumps({'result': r.get(timeout=15)}))`,
    );
    expect(second.result).toBe(2);
    await expect
      .poll(() => stack.events.filter((e) => e.job.id === first.derived && e.type === 'skipped').length, {
        timeout: 10_000,
      })
      .toBe(1);
    expect(started(first.derived)).toBe(1);
  }, 60_000);

  it('a custom id retried by the TypeScript worker keeps its id on the wire: AsyncResult gets attempt 2', async () => {
    const taskId = `flaky-${stack.run}`;
    const out = await py<{ result: { attempt: number }; derived: string }>(
      `r = app.send_task('demo.flaky', kwargs={'until': 2}, queue=CELERY_QUEUE, task_id=${JSON.stringify(taskId)})
print(json.dumps({'result': r.get(timeout=20), 'derived': str(uuid.uuid5(NS, ${JSON.stringify(taskId)}))}))`,
    );
    expect(out.result).toEqual({ attempt: 2 });
    expect(started(out.derived)).toBe(2);
  }, 60_000);

  it('a UUID task id is the job id as before: record and meta under it, no idempotency key', async () => {
    const out = await py<{ id: string; result: number }>(
      `tid = str(uuid.uuid4())
r = app.send_task('demo.add', args=(4, 5), queue=CELERY_QUEUE, task_id=tid)
print(json.dumps({'id': tid, 'result': r.get(timeout=15)}))`,
    );
    expect(out.result).toBe(9);
    const rec = await stack.results.get(out.id);
    expect(rec).toMatchObject({ id: out.id, state: 'succeeded', result: 9 });
    expect(rec?.idempotencyKey).toBeUndefined();
    expect(await stack.redis.exists(`celery-task-meta-${out.id}`)).toBe(1);
    await stack.redis.del(`celery-task-meta-${out.id}`);
  }, 60_000);
  it("DELETE /v1/jobs/<uuid5> revokes the client's id: the broadcast names it, AsyncResult gets REVOKED", async () => {
    const taskId = `sleep-${stack.run}`;
    const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    try {
      const ch = await conn.createChannel();
      await ch.assertExchange('celery.pidbox', 'fanout', { durable: false });
      const { queue } = await ch.assertQueue('', { exclusive: true });
      await ch.bindQueue(queue, 'celery.pidbox', '');
      const sent = await py<{ derived: string }>(
        `app.send_task('demo.sleepy', kwargs={'ms': 10000}, queue=CELERY_QUEUE, task_id=${JSON.stringify(taskId)})
print(json.dumps({'derived': str(uuid.uuid5(NS, ${JSON.stringify(taskId)}))}))`,
      );
      await expect.poll(() => started(sent.derived), { timeout: 10_000 }).toBe(1);
      const del = await fetch(`${stack.base}/v1/jobs/${sent.derived}`, { method: 'DELETE' });
      expect(del.status).toBe(200);
      const revoked: unknown[] = [];
      await expect
        .poll(
          async () => {
            for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true }))
              revoked.push(
                (JSON.parse(m.content.toString()) as { arguments: { task_id: unknown } }).arguments.task_id,
              );
            return revoked.filter((id) => id === taskId || id === sent.derived);
          },
          { timeout: 10_000 },
        )
        .toEqual([taskId]);
      const state = await py<{ state: string }>(
        `print(json.dumps({'state': app.AsyncResult(${JSON.stringify(taskId)}).state}))`,
      );
      expect(state.state).toBe('REVOKED');
    } finally {
      await conn.close();
    }
  }, 60_000);
  it('the same custom id sent twice back to back (the second arrives while the first runs) runs once', async () => {
    const taskId = `twice-${stack.run}`;
    const out = await py<{ results: string[]; derived: string }>(
      `rs = [app.send_task('demo.sleepy', kwargs={'ms': 1500}, queue=CELERY_QUEUE, task_id=${JSON.stringify(taskId)}) for _ in range(2)]
print(json.dumps({'results': [r.get(timeout=15) for r in rs], 'derived': str(uuid.uuid5(NS, ${JSON.stringify(taskId)}))}))`,
    );
    expect(out.results).toEqual(['woke', 'woke']);
    // The second copy was put back behind the first run's lease (core's rule for any duplicate);
    // when it comes back the job is finished and it is skipped, long after this test.
    const mine = stack.events.filter((e) => e.job.id === out.derived);
    expect(mine.filter((e) => e.type === 'deferred')).toHaveLength(1);
    expect(started(out.derived)).toBe(1);
  }, 60_000);
});
