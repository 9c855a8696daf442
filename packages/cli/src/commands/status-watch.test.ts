import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
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
  }, 30_000);
});
