import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// An open `warren dev` keeps to loopback, but a web page the developer opens can still reach it by
// DNS rebinding (attacker.example resolving to 127.0.0.1): same-origin to the browser, so it could
// enqueue the app's tasks and read their results. It answers only requests naming it by a
// loopback name (as Vite and webpack-dev-server check Host).
const ROOT = resolve(import.meta.dirname, '../../../..');

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** A request to 127.0.0.1:port naming `host` in its Host header (fetch cannot set it). */
const ask = (port: number, host: string, method = 'GET', path = '/healthz', body?: string) =>
  new Promise<number>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode!));
    });
    req.on('error', fail);
    if (body) req.setHeader('content-type', 'application/json');
    req.end(body);
  });

describe('warren dev, open on loopback: only loopback Host names', () => {
  let port = 0;
  let child: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-cli.config.ts'),
      PORT: String(port),
    };
    for (const k of ['RABBITMQ_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'WARREN_API_KEYS', 'WARREN_HOST'])
      delete env[k];
    const c = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev', '--no-worker'], {
      cwd: ROOT,
      env,
    });
    child = c;
    let out = '';
    await new Promise<void>((ready, fail) => {
      const on = (b: Buffer) => {
        out += b;
        if (out.includes('Try:') && out.includes('WARNING')) ready();
      };
      c.stdout!.on('data', on);
      c.stderr!.on('data', on);
      c.once('exit', () => fail(new Error(out)));
    });
  }, 30_000);
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('answers localhost, 127.0.0.1 and [::1], with or without the port', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', 'LocalHost'])
      expect({ host, status: await ask(port, host) }).toEqual({ host, status: 200 });
  });

  it('refuses another name (a rebound domain): no enqueue, no page', async () => {
    const enqueue = JSON.stringify({ task: 'fx.echo', input: 1 });
    expect(await ask(port, `attacker.example:${port}`, 'POST', '/v1/jobs', enqueue)).toBe(403);
    expect(await ask(port, 'localhost.attacker.example', 'GET', '/dashboard')).toBe(403);
    expect(await ask(port, `127.0.0.1.nip.io:${port}`)).toBe(403);
  });
});
