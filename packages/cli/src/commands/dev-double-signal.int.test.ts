import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpRun } from '../../../../test/ingest/support';
import { firstFreePort } from '../../../../test/support/ports';

const ROOT = resolve(import.meta.dirname, '../../../..');
const RUN = `h57-devsig-${uuidv7().slice(-8)}`;
const children: ReturnType<typeof spawn>[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await cleanUpRun(RUN, new Redis('redis://127.0.0.1:6379'), `${RUN}:`);
});

/** `warren dev` (fx-sleep config) on a port of its own and PORT + 1 (the REST endpoint with REDIS_URL). */
async function startDev(env: NodeJS.ProcessEnv) {
  const port = await firstFreePort(18_900, [0, 1]);
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-sleep.config.ts'),
    FX_QUEUE: RUN,
    PORT: String(port),
    ...env,
  };
  for (const k of ['RABBITMQ_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'WARREN_API_KEYS'])
    if (!(k in env)) delete full[k];
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev'], { cwd: ROOT, env: full });
  children.push(child);
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  await new Promise<void>((ready, fail) => {
    const on = (b: Buffer) => {
      out += b;
      if (out.includes('Try:')) ready();
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', () => fail(new Error(out)));
  });
  const url = `http://127.0.0.1:${port}`;
  const state = async (id: string) =>
    ((await (await fetch(`${url}/v1/jobs/${id}`)).json()) as { state: string }).state;
  /** A job that runs 30 s, once it is running. */
  const runningJob = async () => {
    const res = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'fx.sleep', input: { ms: 30_000 } }),
    });
    const { id } = (await res.json()) as { id: string };
    await eventually(async () => (await state(id)) === 'running', 10_000, 50);
    return id;
  };
  /** Ctrl-C, and Ctrl-C again once the shutdown began. */
  const ctrlCTwice = async () => {
    child.kill('SIGINT');
    await eventually(() => out.includes('SIGINT: shutting down'), 5000, 20);
    child.kill('SIGINT');
    return exited;
  };
  return { runningJob, ctrlCTwice, output: () => out };
}

/**
 * Ctrl-C twice in `warren dev` while a job runs. `warren worker` then aborts and hands back its
 * running jobs (unspent) before exiting 130; `warren dev` runs the same worker but exited at once:
 * on RabbitMQ + Redis the job stayed `running` behind its lease (timeout + 30 s), then was taken
 * over as a lost attempt (WorkerLostError, failed on its last); embedded, it vanished unsaid.
 */
describe('warren dev, Ctrl-C twice while a job runs', () => {
  it('on RabbitMQ + Redis: the running job is handed back unspent (retrying), exit 130', async () => {
    const dev = await startDev({
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: 'redis://127.0.0.1:6379',
      WARREN_REDIS_PREFIX: `${RUN}:`,
    });
    const id = await dev.runningJob();
    expect(await dev.ctrlCTwice(), dev.output()).toBe(130);
    expect(dev.output()).toMatch(/running jobs handed back/);
    const redis = new Redis('redis://127.0.0.1:6379');
    expect(await redis.hget(`${RUN}:job:${id}`, 'state'), dev.output()).toBe('retrying');
    redis.disconnect();
  }, 60_000);

  it('embedded: it says the running job is dropped with the in-memory broker, exit 130', async () => {
    const dev = await startDev({});
    await dev.runningJob();
    expect(await dev.ctrlCTwice(), dev.output()).toBe(130);
    expect(dev.output()).toMatch(/in-memory broker: 1 queued and 0 delayed job\(s\) dropped/);
  }, 60_000);
});
