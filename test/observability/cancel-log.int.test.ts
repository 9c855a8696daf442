import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { expect, it } from 'vitest';
import { cleanUpDlqRun, dlqRun } from '../../packages/cli/src/testing/dlq-cli-run';
import { AMQP_URL, REDIS_URL } from '../ingest/support';
import { freePort, waitForPort } from '../support/ports';

const ROOT = resolve(import.meta.dirname, '../..');
const KEY = 'obs-cancel-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };

// Every job state change has its line (enqueued at the ingest, each run's start and end at the
// worker), but a cancel (DELETE /v1/jobs/:id, a queued or running job made cancelled) had none:
// who cancelled a job and when was nowhere in the logs, and the worker's 'job skipped' came only
// when (if) a copy of the job reached a worker, a delayed one maybe days later.
it('warren ingest logs a cancelled job as one line with its id, task and queue', async () => {
  const r = dlqRun(`obs-cancel-${uuidv7().slice(-8)}`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-dlq.config.ts'),
    FX_QUEUE: r.queue,
    FX_FULL_QUEUE: r.full,
    RABBITMQ_URL: AMQP_URL,
    REDIS_URL,
    WARREN_REDIS_PREFIX: r.prefix,
  };
  delete env.UPSTASH_REDIS_REST_URL;
  env.WARREN_API_KEYS = KEY;
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'ingest', '--port', String(port)], {
    cwd: ROOT,
    env,
  });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  const exited = new Promise((r) => child.once('exit', r));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    await waitForPort(port, 20_000, 'warren ingest');
    const base = `http://127.0.0.1:${port}`;
    const posted = await fetch(`${base}/v1/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'fx.flaky', input: { n: 1 } }),
    });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    const del = await fetch(`${base}/v1/jobs/${id}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(200);
    const line = await eventually(
      () => lines().find((l) => l.jobId === id && l.msg === 'job cancelled'),
      3_000,
    ).catch(() => undefined);
    expect(line, out).toMatchObject({ level: 'info', jobId: id, task: 'fx.flaky', queue: r.queue });
  } finally {
    child.kill('SIGTERM');
    await exited;
    await cleanUpDlqRun(r);
  }
}, 40_000);
