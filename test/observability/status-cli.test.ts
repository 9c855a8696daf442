import { spawn } from 'node:child_process';
import { defineConfig } from '@warren/core';
import { serveNode } from '@warren/ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleTasks } from '../../examples/tasks';
import { renderStatus } from '../../packages/cli/src/commands/status';
import { portInRange } from './browser';
import { observedStack } from './observed-stack';

const KEY = 'status-test-key-0123456789';
const SCOPED_KEY = 'status-scoped-key-0123456789';

function warren(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], {
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => (out += b));
    p.stderr.on('data', (b) => (err += b));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('warren status', () => {
  // The worker only takes `default`: jobs sent to `reports` wait there.
  const config = defineConfig({
    tasks: exampleTasks,
    queues: { reports: {} },
    auth: { keys: [{ key: KEY }, { key: SCOPED_KEY, name: 'emails', tasks: ['email.*'] }] },
    worker: { queues: ['default'] },
  });
  const s = observedStack({ config });
  let url: string;
  let server: Awaited<ReturnType<typeof serveNode>>;
  beforeAll(async () => {
    await s.start();
    const port = await portInRange();
    server = await serveNode(s.app, port, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
    for (let i = 0; i < 5; i++) {
      const r = await s.app.request('/v1/jobs', {
        method: 'POST',
        headers,
        body: JSON.stringify({ task: 'demo.add', input: { a: i, b: 1 }, queue: 'reports' }),
      });
      expect(r.status).toBe(202);
    }
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await s.stop();
  });

  it('--json prints the snapshot with backlog and recommended workers (API key from the environment)', async () => {
    const { code, out } = await warren(['status', '--json', '--url', url], { WARREN_API_KEY: KEY });
    expect(code).toBe(0);
    const snap = JSON.parse(out);
    const reports = snap.queues.find((q: { name: string }) => q.name === 'reports');
    expect(reports).toMatchObject({ depth: 5, consumers: 0, totals: { enqueued: 5 } });
    expect(reports.scaling.recommendedWorkers).toBe(1);
    expect(snap.regions).toEqual([expect.objectContaining({ id: 'local', state: 'closed', home: true })]);
  });

  it('refuses without a key and says how to pass one', async () => {
    const { code, err } = await warren(['status', '--url', url], { WARREN_API_KEY: '' });
    expect(code).toBe(1);
    expect(err).toMatch(/401 — pass --api-key or set WARREN_API_KEY/);
  });

  it('refuses a key limited to some tasks and says why', async () => {
    const { code, err } = await warren(['status', '--url', url], { WARREN_API_KEY: SCOPED_KEY });
    expect(code).toBe(1);
    expect(err).toMatch(/HTTP 403: API key "emails" is limited to tasks email\.\*; .*without a task limit/);
  });

  it('renders the same snapshot as aligned tables', async () => {
    const text = renderStatus(await s.obs.status());
    expect(text).toMatch(/^REGIONS\n {2}REGION +CIRCUIT +CONFIRM \(EWMA\) +FAILURES\n {2}local \* +closed /m);
    const row = text.split('\n').find((l) => l.trimStart().startsWith('reports'))!;
    // QUEUE DEPTH CONSUMERS ... WORKERS NEEDED
    expect(row.trim().split(/\s+/).slice(0, 3)).toEqual(['reports', '5', '0']);
    expect(row.trim().split(/\s+/).at(-1)).toBe('1');
    expect(text).toMatch(/LINKS\n {2}\(none\)/);
  });
});
