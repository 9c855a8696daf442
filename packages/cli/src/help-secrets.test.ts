import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const KEY = 'h56-secret-api-key-0123456789';
const env = { ...process.env, WARREN_API_KEY: KEY, WARREN_URL: 'https://ci:h56-url-password@ingest.example' };
const help = async (cmd: string) =>
  (
    await promisify(execFile)(process.execPath, ['packages/cli/bin/warren.js', cmd, '--help'], {
      cwd: ROOT,
      env,
    })
  ).stdout.replace(/\s+/g, ' ');

// Help text lands in terminals shared on screen, CI logs and bug reports.
describe.concurrent('warren <command> --help never prints a secret from the environment', () => {
  it.each(['enqueue', 'status'])('%s names WARREN_API_KEY and WARREN_URL, not their values', async (cmd) => {
    const text = await help(cmd);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('h56-url-password');
    expect(text).toMatch(/--api-key <key>[^-]*env: WARREN_API_KEY/);
    expect(text).toMatch(/--url <url>[^-]*env: WARREN_URL/);
  });
});
