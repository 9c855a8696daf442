import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const DEV_PORT = 18_574; // no other test uses these two
const PROXY_PORT = 18_575;
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(DEV_PORT) };
for (const k of [
  'RABBITMQ_URL',
  'REDIS_URL',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'WARREN_API_KEYS',
])
  delete env[k];
delete env.WARREN_API_KEY;
delete env.WARREN_URL;

let stopDev: (() => void) | undefined;
let proxy: Server | undefined;

beforeAll(async () => {
  const dev = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev', '--no-worker'], {
    cwd: ROOT,
    env,
  });
  stopDev = () => dev.kill('SIGKILL');
  await new Promise<void>((ready, fail) => {
    let out = '';
    const on = (b: Buffer) => {
      out += b;
      if (/Try:[\s\S]*\/v1\/jobs\/<id>.*\n/.test(out)) ready();
    };
    dev.stdout.on('data', on);
    dev.stderr.on('data', on);
    dev.once('exit', () => fail(new Error(out)));
  });
  // A reverse proxy publishing the ingest under /warren/ (as nginx's location /warren/ would): anything else is 404.
  proxy = createServer(async (req, res) => {
    if (!req.url?.startsWith('/warren/')) return res.writeHead(404).end('not under /warren/');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const up = await fetch(`http://127.0.0.1:${DEV_PORT}${req.url.slice('/warren'.length)}`, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await up.arrayBuffer()));
  });
  await new Promise<void>((r) => proxy!.listen(PROXY_PORT, '127.0.0.1', r));
}, 60_000);

afterAll(async () => {
  stopDev?.();
  await new Promise((r) => proxy?.close(r));
});

const warren = (args: string[]) =>
  promisify(execFile)(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });

describe('warren status behind a path prefix, as warren enqueue is', () => {
  const base = `http://127.0.0.1:${PROXY_PORT}/warren`;

  it('enqueue reaches the ingest at --url with its path (the SDK keeps it)', async () => {
    const { stdout } = await warren(['enqueue', 'demo.echo', '{}', '--url', base]);
    expect(JSON.parse(stdout).state).toBe('queued');
  });

  it.each([base, `${base}/`])('status --json reads <url>/status.json for %s', async (url) => {
    const { stdout } = await warren(['status', '--json', '--url', url]);
    expect(JSON.parse(stdout).queues.map((q: { name: string }) => q.name)).toContain('default');
  });
});
