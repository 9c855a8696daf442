import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const PORT = 18_863; // no other test uses it
const KEY = 'fx-port-in-use-key-0123456789';
let busy: Server;
const children: ChildProcess[] = [];
beforeAll(() => new Promise<void>((r) => (busy = createServer().listen(PORT, '127.0.0.1', r))));
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); // one that started after all
  await new Promise<void>((r) => busy.close(() => r()));
});

/** The real CLI on the embedded broker and store; resolves with its exit code and stderr. */
function warren(
  args: string[],
  extra: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['RABBITMQ_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'WARREN_API_KEYS', 'PORT'])
    delete env[k];
  Object.assign(env, extra);
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
  let err = '';
  child.stderr.on('data', (b: Buffer) => {
    err += b;
  });
  children.push(child);
  return new Promise((done) => child.once('exit', (code) => done({ code, err })));
}

// Node's 'listen EADDRINUSE: address already in use 127.0.0.1:8787' alone said nothing of what
// to do, and `npm start` takes its port from PORT, not a flag.
describe('an ingest port already taken', () => {
  it('warren dev and warren ingest exit 1 saying how to choose another port', async () => {
    const runs = await Promise.all([
      warren(['dev'], { PORT: String(PORT) }), // as npm start runs it
      warren(['ingest', '--embedded', '--port', String(PORT)], { WARREN_API_KEYS: KEY }),
    ]);
    for (const { code, err } of runs) {
      expect(code, err).toBe(1);
      expect(err).toMatch(new RegExp(`EADDRINUSE: address already in use [\\d.]+:${PORT}`));
      expect(err).toContain(
        `port ${PORT} is taken (another warren dev?): choose another with --port or PORT`,
      );
      expect(err).not.toMatch(/\n\s+at /);
    }
  }, 120_000); // slow only on a loaded machine: two CLI starts from the TypeScript sources
});
