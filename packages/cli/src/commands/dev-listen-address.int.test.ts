import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// An open `warren dev` (no API keys) listened on 0.0.0.0: anyone on the network could enqueue the
// app's tasks. It now keeps to loopback unless asked (--host / WARREN_HOST), as Vite does.
const ROOT = resolve(import.meta.dirname, '../../../..');
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

/** This machine's first non-loopback IPv4 address (the network's view of it). */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts an embedded `warren dev --no-worker`; resolves with its port and start-up output. */
async function startDev(extra: NodeJS.ProcessEnv, until = /Try:/): Promise<{ port: number; out: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-cli.config.ts'),
    PORT: String(port),
    ...extra,
  };
  for (const k of ['RABBITMQ_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'WARREN_API_KEYS', 'WARREN_HOST'])
    if (!(k in extra)) delete env[k];
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev', '--no-worker'], {
    cwd: ROOT,
    env,
  });
  stops.push(() => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    child.kill('SIGKILL');
    return once(child, 'exit');
  });
  let out = '';
  await new Promise<void>((ready, fail) => {
    const on = (b: Buffer) => {
      out += b;
      if (out.includes('Try:') && until.test(out)) ready(); // its last start-up lines (stdout and stderr)
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', () => fail(new Error(out)));
  });
  return { port, out };
}

const reachable = (host: string, port: number) =>
  fetch(`http://${host}:${port}/healthz`).then(
    (r) => r.status,
    (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
  );

describe('warren dev: the listen address', () => {
  it('open (no API keys): loopback only by default, and says so; WARREN_HOST exposes it', async () => {
    const open = await startDev({}, /WARNING/);
    expect(open.out).toMatch(/listening on 127\.0\.0\.1 only \(--host 0\.0\.0\.0 or WARREN_HOST/);
    expect(await reachable('127.0.0.1', open.port)).toBe(200);
    if (lanAddress) expect(await reachable(lanAddress, open.port)).toBe('ECONNREFUSED');

    const exposed = await startDev({ WARREN_HOST: '0.0.0.0' }, /WARNING/);
    expect(exposed.out).toMatch(/listening on 0\.0\.0\.0: anyone who can reach it/);
    if (lanAddress) expect(await reachable(lanAddress, exposed.port)).toBe(200);
  });

  it('with API keys: all interfaces, as before', async () => {
    const keyed = await startDev({ WARREN_API_KEYS: 'dev-listen-address-key-0123456789' });
    expect(keyed.out).not.toMatch(/no API keys configured/);
    expect(await reachable('127.0.0.1', keyed.port)).toBe(200);
    if (lanAddress) expect(await reachable(lanAddress, keyed.port)).toBe(200);
  });
});
