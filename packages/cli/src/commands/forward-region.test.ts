import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CONFIG = resolve(ROOT, 'packages/cli/src/testing/fx-regions.config.ts');

/** The real CLI in config mode; each case here exits before connecting anywhere. */
async function forward(args: string[]): Promise<{ code: number; err: string }> {
  const env = { ...process.env, WARREN_CONFIG: CONFIG };
  try {
    await promisify(execFile)(process.execPath, ['packages/cli/bin/warren.js', 'forward', ...args], {
      cwd: ROOT,
      env,
      timeout: 60_000,
    });
    return { code: 0, err: '' };
  } catch (e) {
    const { code, stderr } = e as { code: number; stderr: string };
    return { code, err: stderr.replace(/^warren: running from the TypeScript sources.*\n/, '').trim() };
  }
}

describe.concurrent('warren forward --region (config mode)', () => {
  it('names a region the config does not have, instead of saying the config implies no links', async () => {
    expect(await forward(['--region', 'typo'])).toEqual({
      code: 1,
      err: "warren forward: --region typo is not one of the config's regions (a, b)",
    });
  });

  it('says a known region has no links of its own, naming the regions that do', async () => {
    expect(await forward(['--region', 'b'])).toEqual({
      code: 1,
      err: 'warren forward: the config implies no links from region b (links leave a)',
    });
  });
});

describe.concurrent('warren forward: flags of the other mode are refused, not ignored', () => {
  const adHoc = ['--from', 'amqp://127.0.0.1:1', '--queue', 'q', '--to', 'amqp://127.0.0.1:2'];
  it.each([
    [['--to-queue', 'other'], '--to-queue applies to an ad-hoc link (--from, --queue, --to) only'],
    [['--to-exchange', 'x'], '--to-exchange applies to an ad-hoc link (--from, --queue, --to) only'],
    [['--queue-type', 'classic'], '--queue-type applies to an ad-hoc link (--from, --queue, --to) only'],
    [[...adHoc, '--region', 'a'], "--region applies to the config's links only, not to an ad-hoc link"],
    [
      [...adHoc, '--to-queue', 'a', '--to-exchange', 'x'],
      '--to-queue and --to-exchange are two destinations: pass one',
    ],
  ])('%o', async (args, message) => {
    expect(await forward(args)).toEqual({ code: 1, err: `warren forward: ${message}` });
  });
});

describe('warren forward --metrics-port on a port in use', () => {
  it('refuses before any link starts (links ran, then the process exited 1 under them)', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(18_595, '127.0.0.1', r)); // no other test uses it
    try {
      const args = ['forward', '--from', 'amqp://127.0.0.1:1', '--queue', 'q', '--to', 'amqp://127.0.0.1:2'];
      const run = promisify(execFile)(
        process.execPath,
        ['packages/cli/bin/warren.js', ...args, '--metrics-port', '18595'],
        { cwd: ROOT, timeout: 60_000 },
      );
      const out = await run.then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('EADDRINUSE');
      expect(out.stdout).not.toContain('link(s)');
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
