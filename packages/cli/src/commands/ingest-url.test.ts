import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');

/** The real CLI; resolves with its exit code and stderr (no ingest runs at these URLs). */
async function warren(args: string[], url: string): Promise<{ code: number; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, WARREN_URL: url };
  delete env.WARREN_API_KEY;
  try {
    await promisify(execFile)(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
    return { code: 0, err: '' };
  } catch (e) {
    const { code, stderr } = e as { code: number; stderr: string };
    return { code, err: stderr.replace(/^warren: running from the TypeScript sources.*\n/, '') };
  }
}

const commands = [['status'], ['enqueue', 'demo.echo', '{}']];

// Six CLI starts side by side, up to two in a row: on a loaded 2-core box 30 s was not enough.
describe.concurrent('warren status / enqueue: the ingest URL (--url, WARREN_URL)', {
  timeout: 60_000,
}, () => {
  it.each(commands)('%s: a URL without http(s):// is named as such', async (...args) => {
    for (const url of ['127.0.0.1:18576', 'localhost:18576']) {
      const { code, err } = await warren(args, url);
      expect(code).toBe(1);
      expect(err.trim()).toBe(
        `--url / WARREN_URL must be an http:// or https:// URL (got ${url}), e.g. http://localhost:8787`,
      );
    }
  });

  it.each(commands)('%s: credentials in the URL are refused without printing them', async (...args) => {
    const { code, err } = await warren(args, 'http://ops:h56-url-secret@127.0.0.1:18576');
    expect(code).toBe(1);
    expect(err).not.toContain('h56-url-secret');
    expect(err).toMatch(
      /holds credentials, which fetch refuses: pass the API key with --api-key or WARREN_API_KEY/,
    );
  });
});
