import { randomUUID } from 'node:crypto';
import { buildCeleryMeta } from '@warren/results';
import { createClient } from '@warren/sdk';
import { describe, expect, it } from 'vitest';
import { ensureCelery, runPython } from './python';
import { withPythonWorker } from './python-worker-suite';
import type { CeleryStack } from './stack';

/**
 * warren ⇄ real Celery 5.2 (Debian python3-celery) over real RabbitMQ and Redis, both ways:
 * jobs POSTed to warren run in a Python Celery worker, tasks sent by Python's `send_task` run in
 * warren's TypeScript worker, with failures, retries and ETAs crossing in both directions.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

/** Python: import the test app (it puts examples/python on sys.path), then run `body`. */
const py = (body: string) =>
  `import json, time\nimport warren_test_tasks\nfrom tasks import app, CELERY_QUEUE\n${body}`;

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} interop`, () => {
  let stack: CeleryStack;
  const post = async (body: unknown) => {
    const res = await fetch(`${stack.base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    return (await res.json()) as { id: string; notBefore?: string; enqueuedAt: string };
  };
  const getJob = async (id: string, wait = '20s') => {
    const res = await fetch(`${stack.base}/v1/jobs/${id}?wait=${wait}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown> & {
      state: string;
      error?: { type: string; message: string };
    };
  };
  const sendFromPython = async <T>(body: string) =>
    JSON.parse((await runPython(py(body), stack.pyEnv, 60_000)).trim().split('\n').at(-1) as string) as T;

  withPythonWorker((s) => {
    stack = s;
  });

  it('TS → Python: a job POSTed to the ingest runs in a Python Celery worker; GET and SDK wait return its result', async () => {
    const job = await post({ task: 'py.mul', input: { a: 6, b: 7 } });
    const rec = await getJob(job.id);
    expect(rec).toMatchObject({ id: job.id, task: 'py.mul', state: 'succeeded', result: 42 });
    const client = createClient({ url: stack.base });
    const viaSdk = await client.wait(await client.enqueue('py.mul', { a: 3, b: 5 }), { timeoutMs: 20_000 });
    expect(viaSdk).toMatchObject({ state: 'succeeded', result: 15 });
  }, 60_000);

  it('Python → TS: send_task("demo.add", args=(2, 3)) runs in the TypeScript worker; AsyncResult.get returns 5', async () => {
    const out = await sendFromPython<{ id: string; result: number }>(
      `r = app.send_task('demo.add', args=(2, 3), queue=CELERY_QUEUE)\nprint(json.dumps({'id': r.id, 'result': r.get(timeout=10)}))`,
    );
    expect(out.result).toBe(5);
    expect(await stack.results.get(out.id)).toMatchObject({
      task: 'demo.add',
      state: 'succeeded',
      result: 5,
    });
  }, 60_000);

  it('failure TS → Python: Python sees the exception type and message a TypeScript task threw', async () => {
    const out = await sendFromPython<{ type: string; message: string; state: string; module: string }>(
      `r = app.send_task('demo.typeerror', kwargs={'b': -1}, queue=CELERY_QUEUE)
try:
    r.get(timeout=10)
    print(json.dumps({'type': None}))
except Exception as e:
    print(json.dumps({'type': type(e).__name__, 'module': type(e).__module__, 'message': str(e), 'state': r.state}))`,
    );
    expect(out).toEqual({
      type: 'TypeError',
      module: 'builtins',
      message: 'b must be positive, got -1',
      state: 'FAILURE',
    });
  }, 60_000);

  it('failure TS → Python: error types Python has no builtin for become exception classes of that name', async () => {
    const metas = ['RangeError', 'UnknownTask', 'ValueError'].map((type) =>
      buildCeleryMeta({
        id: randomUUID(),
        status: 'FAILURE',
        record: {
          id: 'x',
          task: 't',
          queue: 'q',
          state: 'failed',
          attempts: 1,
          enqueuedAt: new Date().toISOString(),
          error: { type, message: `${type} says hi`, retryable: false },
        },
      }),
    );
    const out = await sendFromPython<string[][]>(
      `metas = json.loads(${JSON.stringify(JSON.stringify(metas))})
excs = [app.backend.exception_to_python(m['result']) for m in metas]
print(json.dumps([[type(e).__name__, type(e).__module__, str(e), str(isinstance(e, Exception))] for e in excs]))`,
    );
    expect(out).toEqual([
      ['RangeError', 'celery.exceptions', 'RangeError says hi', 'True'],
      ['UnknownTask', 'celery.exceptions', 'UnknownTask says hi', 'True'],
      ['ValueError', 'builtins', 'ValueError says hi', 'True'],
    ]);
  }, 60_000);

  it('failure Python → TS: warren records the Python exception type and message', async () => {
    const job = await post({ task: 'py.boom', input: { b: 0 } });
    const rec = await getJob(job.id);
    expect(rec.state).toBe('failed');
    expect(rec.error).toMatchObject({ type: 'ValueError', message: 'bad b: 0' });
  }, 60_000);

  it('retries in Python: a warren job retried by Celery (self.retry, countdown) ends with its result', async () => {
    const job = await post({ task: 'py.flaky', input: { until: 2 } });
    const rec = await getJob(job.id, '30s');
    expect(rec).toMatchObject({ state: 'succeeded', result: { retries: 2 } });
  }, 60_000);

  it('retries in TS: a task sent by Python is retried by the TypeScript worker; Python gets attempt 3', async () => {
    const out = await sendFromPython<{ id: string; result: { attempt: number } }>(
      `r = app.send_task('demo.flaky', kwargs={'until': 3}, queue=CELERY_QUEUE)\nprint(json.dumps({'id': r.id, 'result': r.get(timeout=20)}))`,
    );
    expect(out.result).toEqual({ attempt: 3 });
    const retried = stack.events.filter((e) => e.job.id === out.id && e.type === 'retried');
    expect(retried.map((e) => e.attempt)).toEqual([1, 2]);
    expect(await stack.results.get(out.id)).toMatchObject({ state: 'succeeded', attempts: 3 });
  }, 60_000);

  it('poison Python → TS: an expired task, an unknown task and invalid input end at once, as AsyncResult sees them', async () => {
    const out = await sendFromPython<Record<string, { err: string; state: string }>>(
      `def outcome(r):
    try:
        return {'err': 'none: %r' % (r.get(timeout=10),), 'state': r.state}
    except Exception as e:
        return {'err': type(e).__name__ + ': ' + str(e), 'state': r.state}
rs = {
    'expired': app.send_task('demo.add', args=(2, 3), queue=CELERY_QUEUE, expires=-5),
    'unknown': app.send_task('demo.nope', args=(2, 3), queue=CELERY_QUEUE),
    'invalid': app.send_task('demo.add', args=('x', 3), queue=CELERY_QUEUE),
}
print(json.dumps({k: outcome(r) for k, r in rs.items()}))`,
    );
    expect(out).toEqual({
      expired: { err: 'TaskRevokedError: expired', state: 'REVOKED' },
      unknown: { err: 'UnknownTask: no handler for task demo.nope here', state: 'FAILURE' },
      invalid: { err: expect.stringMatching(/^InvalidInput: a: /), state: 'FAILURE' },
    });
  }, 60_000);

  it('Python → TS: a call with no arguments runs a task whose input is optional', async () => {
    const out = await sendFromPython<{ result: unknown }>(
      `r = app.send_task('demo.noinput', queue=CELERY_QUEUE)\nprint(json.dumps({'result': r.get(timeout=10)}))`,
    );
    expect(out.result).toBe('no input');
  }, 60_000);

  it('Python → TS: a per-call time_limit / soft_time_limit bounds the run like the task timeout does', async () => {
    const out = await sendFromPython<Record<string, { err: string; took: number }>>(
      `def run(**opts):
    t0 = time.time()
    r = app.send_task('demo.sleepy', kwargs={'ms': 4000}, queue=CELERY_QUEUE, **opts)
    try:
        r.get(timeout=15)
        err = 'none'
    except Exception as e:
        err = type(e).__name__
    return {'err': err, 'took': time.time() - t0}
print(json.dumps({'hard': run(time_limit=1), 'soft': run(soft_time_limit=1, time_limit=10)}))`,
    );
    for (const k of ['hard', 'soft']) {
      expect(out[k]?.err).toBe('TaskTimeoutError');
      expect(out[k]?.took).toBeLessThan(3.5);
    }
  }, 60_000);

  it('ETA Python → TS: countdown=3 is honoured by the TypeScript worker', async () => {
    const out = await sendFromPython<{ id: string; sentAt: number; result: number }>(
      `t0 = time.time()
r = app.send_task('demo.add', args=(1, 2), countdown=3, queue=CELERY_QUEUE)
print(json.dumps({'id': r.id, 'sentAt': t0, 'result': r.get(timeout=20)}))`,
    );
    expect(out.result).toBe(3);
    const rec = await stack.results.get(out.id);
    const notBefore = Date.parse(String(rec?.notBefore));
    expect(Math.abs(notBefore - (out.sentAt * 1000 + 3000))).toBeLessThan(2000);
    expect(Date.parse(String(rec?.startedAt))).toBeGreaterThanOrEqual(notBefore);
  }, 60_000);

  it('ETA TS → Python: a job POSTed with delayMs runs in Python no earlier, with the eta header', async () => {
    const job = await post({ task: 'py.when', input: {}, delayMs: 3000 });
    expect(job.notBefore).toBeDefined();
    const rec = await getJob(job.id, '30s');
    expect(rec.state).toBe('succeeded');
    const result = rec.result as { ranAt: number; eta: string; retries: number };
    expect(result.ranAt * 1000).toBeGreaterThanOrEqual(Date.parse(job.notBefore as string) - 50);
    expect(Date.parse(result.eta)).toBe(Date.parse(job.notBefore as string));
    expect(result.retries).toBe(0);
  }, 60_000);
});
