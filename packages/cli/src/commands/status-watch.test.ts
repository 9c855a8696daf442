import { execFile, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { defineConfig } from '@warren/core';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');

describe('warren status --watch', () => {
  it('keeps watching through an ingest that cannot be reached (a restart), saying so on each turn', async () => {
    // Nothing listens on this port: every fetch fails.
    const child = spawn(
      process.execPath,
      ['packages/cli/bin/warren.js', 'status', '--url', 'http://127.0.0.1:18797', '--watch', '200'],
      { cwd: ROOT },
    );
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    const outcome = await Promise.race([
      exited.then((code) => `exited ${code}`),
      new Promise<string>((r) => {
        const t = setInterval(() => {
          if ((out.match(/cannot reach/g) ?? []).length >= 3) {
            clearInterval(t);
            r('still watching');
          }
        }, 50);
      }),
    ]);
    child.kill('SIGKILL');
    expect(outcome, out).toBe('still watching');
    // Piped (a log, `tee`): no clear-screen codes between the turns, a dated separator instead.
    expect(out).not.toContain('\x1b[');
    expect(out).toMatch(/^--- \d{4}-\d\d-\d\dT[\d:.]+Z$/m);
  }, 30_000);
});

describe('warren status --watch with a key limited to some tasks', () => {
  it('ends with the 403 (a refused key will not mend itself), as with a 401', async () => {
    const scoped = 'watch-scoped-key-0123456789';
    const config = defineConfig({ tasks: [], auth: { keys: [{ key: scoped, tasks: ['mail.*'] }] } });
    const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
    const server = await serveStatus(obs, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // Before: 'HTTP 403 ...; retrying every 200 ms' on every turn, for as long as it was left.
      // The kill is only a backstop against that loop, with room for a CLI start on a loaded 2-core
      // box (this file failed once under load and passed alone; which case was not recorded).
      const run = promisify(execFile)(
        process.execPath,
        ['packages/cli/bin/warren.js', 'status', '--url', url, '--api-key', scoped, '--watch', '200'],
        { cwd: ROOT, timeout: 20_000 },
      );
      const err = await run.then(
        () => undefined,
        (e: { code: number | null; killed: boolean; stderr: string; stdout: string }) => e,
      );
      expect(err?.killed, err?.stdout).toBe(false);
      expect(err?.code).toBe(1);
      expect(err?.stderr).toMatch(/HTTP 403: API key is limited to tasks mail\.\*/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 30_000);
});

describe('warren status --json --watch', () => {
  it('is refused: --json printed one snapshot and exited 0, the --watch dropped', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['packages/cli/bin/warren.js', 'status', '--url', 'http://127.0.0.1:18797', '--json', '--watch', '200'],
      { cwd: ROOT },
    );
    const err = await run.then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain(
      'warren status: --json prints one snapshot and --watch redraws the tables: pass one',
    );
  });
});
