import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
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
