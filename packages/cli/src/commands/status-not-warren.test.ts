import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const PORT = 18_588; // no other test uses it

// Something that is not a warren ingest answering 200 at /status.json: a web app's catch-all page, another API.
let server: Server;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/html/status.json')
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html>');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(PORT, '127.0.0.1', r));
});
afterAll(() => new Promise((r) => server.close(r)));

async function status(path: string, json = false): Promise<{ code: number; err: string }> {
  const args = ['packages/cli/bin/warren.js', 'status', '--url', `http://127.0.0.1:${PORT}${path}`];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.WARREN_API_KEY;
  try {
    await promisify(execFile)(process.execPath, json ? [...args, '--json'] : args, { cwd: ROOT, env });
    return { code: 0, err: '' };
  } catch (e) {
    const { code, stderr } = e as { code: number; stderr: string };
    return { code, err: stderr.replace(/^warren: running from the TypeScript sources.*\n/, '').trim() };
  }
}

describe.concurrent('warren status at a URL that is not a warren ingest', () => {
  it.each([
    ['/html', 'text/html', false],
    ['/api', 'application/json', false],
    ['/api', 'application/json', true],
  ])('%s (%s, --json %s) says so, not a JSON parse error or a TypeError', async (path, type, json) => {
    expect(await status(path, json)).toEqual({
      code: 1,
      err: `http://127.0.0.1:${PORT}${path}/status.json: not a warren status snapshot (${type}); is --url a warren ingest?`,
    });
  });
});

describe('warren enqueue at a URL that is not a warren ingest', () => {
  it('fails, instead of printing that server\'s JSON as the job (exit 0, "replayed": true)', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.WARREN_API_KEY;
    const url = `http://127.0.0.1:${PORT}/api`;
    const run = promisify(execFile)(
      process.execPath,
      ['packages/cli/bin/warren.js', 'enqueue', 'demo.add', '{}', '--url', url],
      { cwd: ROOT, env },
    );
    const err = await run.then(
      (r) => ({ code: 0, stderr: r.stdout }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(err.code).toBe(1);
    expect(err.stderr).toContain(
      `${url}: POST ${url}/v1/jobs answered 200 with something that is not a warren job: is url a warren ingest?`,
    );
  });
});
