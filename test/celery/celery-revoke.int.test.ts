import { celeryRevokeOnCancel, createCeleryRevoker, revokeMessage } from '@warren/amqp';
import { createProducer } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { createDirectClient } from '@warren/sdk/direct';
import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { type CeleryWorker, ensureCelery, runPython } from './python';
import { withPythonWorker } from './python-worker-suite';
import type { CeleryStack } from './stack';

/**
 * Cancelling through warren a job a real Python Celery 5.2 worker holds (an ETA it is waiting
 * for): the worker must hear of it as it hears of `app.control.revoke(id)`, skip the task and
 * leave the REVOKED meta in place.
 */
const celery = await ensureCelery();
if (celery.skip) console.warn(celery.skip);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  ms: number,
  fn: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe.skipIf(!!celery.skip)(`Celery ${celery.version ?? ''} revoke on cancel`, () => {
  let stack: CeleryStack;
  let pyWorker: CeleryWorker;

  withPythonWorker((s, w) => {
    stack = s;
    pyWorker = w;
  });

  /** Past the ETA, with time for the worker to have run it: it skipped it, REVOKED stayed. */
  async function expectSkipped(job: { id: string; notBefore?: string }) {
    await sleep(Math.max(0, Date.parse(String(job.notBefore)) - Date.now()) + 3000);
    expect(pyWorker.logs()).not.toContain(`Task py.when[${job.id}] succeeded`);
    expect(pyWorker.logs()).toContain(`Discarding revoked task: py.when[${job.id}]`);
    expect(await stack.results.celeryMeta(job.id)).toMatchObject({ status: 'REVOKED' });
    expect(await stack.results.get(job.id)).toMatchObject({ state: 'cancelled' });
  }

  const held = (id: string) =>
    until('the Python worker to hold the task', 15_000, () =>
      pyWorker.logs().includes(`Task py.when[${id}] received`),
    );

  // 8 s: the 5 s delay tier hands the job to the Python queue early, where the worker holds it ~3 s.
  // The two cancel paths wait for their ETAs side by side (each checks only its own job); the
  // broadcast tests below run after them, alone on celery.pidbox.
  it.concurrent('DELETE /v1/jobs/:id of a job a Python worker holds for its ETA: the worker skips it, REVOKED stays', async () => {
    const res = await fetch(`${stack.base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'py.when', input: {}, delayMs: 8000 }),
    });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; notBefore: string };
    await held(job.id);

    const del = await fetch(`${stack.base}/v1/jobs/${job.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ id: job.id, state: 'cancelled' });
    await expectSkipped(job);
  }, 60_000);

  it.concurrent("the direct client's cancel revokes the same way", async () => {
    const direct = createDirectClient({
      config: stack.config,
      publishers: new Map([['local', stack.broker.publisher]]),
      results: stack.results,
      onCancelled: celeryRevokeOnCancel(stack.config, [stack.broker]),
    });
    const job = await direct.enqueue('py.when', {}, { delayMs: 8000 });
    await held(job.id);
    expect(await direct.cancel(job.id)).toMatchObject({ id: job.id, state: 'cancelled' });
    await expectSkipped(job);
  }, 60_000);

  it("the broadcast is the message Celery's own app.control.revoke publishes", async () => {
    const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    try {
      const ch = await conn.createChannel();
      await ch.assertExchange('celery.pidbox', 'fanout', { durable: false });
      const { queue } = await ch.assertQueue('', { exclusive: true });
      await ch.bindQueue(queue, 'celery.pidbox', '');
      // This run's id only: other test files broadcast revokes on the shared celery.pidbox too.
      const taskId = `order-${stack.run}`;
      const next = () =>
        until('the broadcast', 10_000, async () => {
          for (;;) {
            const m = await ch.get(queue, { noAck: true });
            if (!m) return undefined;
            if (m.content.toString().includes(taskId)) return m;
          }
        });
      await runPython(
        `import warren_test_tasks\nfrom tasks import app\napp.control.revoke('${taskId}')`,
        stack.pyEnv,
      );
      const theirs = await next();
      await createCeleryRevoker({ urls: ['amqp://guest:guest@127.0.0.1:5672'] }).revoke(taskId);
      const ours = await next();
      expect(JSON.parse(ours.content.toString())).toEqual(JSON.parse(theirs.content.toString()));
      expect(JSON.parse(ours.content.toString())).toEqual(revokeMessage(taskId).body);
      for (const k of ['contentType', 'contentEncoding', 'deliveryMode'] as const)
        expect(ours.properties[k], k).toEqual(theirs.properties[k]);
      expect(Object.keys(ours.properties.headers ?? {}).sort()).toEqual(
        Object.keys(theirs.properties.headers ?? {}).sort(),
      );
    } finally {
      await conn.close();
    }
  }, 30_000);

  it('a broadcast no broker confirms: the job is still cancelled (200) and the failure is reported', async () => {
    const errors: unknown[] = [];
    const app = createIngestApp({
      config: stack.config,
      producer: createProducer({
        config: stack.config,
        publishers: new Map([['local', stack.broker.publisher]]),
        results: stack.results,
      }),
      results: stack.results,
      onError: (err) => errors.push(err),
      onCancelled: celeryRevokeOnCancel(stack.config, [
        { nodes: () => [{ url: 'amqp://guest:guest@127.0.0.1:1' }] },
      ]),
    });
    const res = await app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'py.when', input: {}, delayMs: 600_000 }),
    });
    const { id } = (await res.json()) as { id: string };
    const del = await app.request(`/v1/jobs/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ id, state: 'cancelled' });
    expect(await stack.results.get(id)).toMatchObject({ state: 'cancelled' });
    expect(errors).toHaveLength(1);
    const err = errors[0] as Error & { cause: Error };
    expect(err.message).toContain(`job ${id} cancelled`);
    expect(err.cause.message).toMatch(
      /Celery revoke of .* not broadcast on celery\.pidbox \(amqp:\/\/guest:\*+@127\.0\.0\.1:1/,
    );
  }, 30_000);
});
