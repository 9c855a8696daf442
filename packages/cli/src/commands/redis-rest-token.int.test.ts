import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0))
    if (c.exitCode === null) {
      c.kill('SIGTERM');
      await once(c, 'exit');
    }
});

/** The real `warren redis-rest` on `port`; resolves with what it printed once it is up. */
async function start(port: number, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(
    process.execPath,
    ['packages/cli/bin/warren.js', 'redis-rest', '-p', String(port), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL, ...env },
    },
  );
  children.push(child);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b));
  child.stderr.on('data', (b: Buffer) => (out += b));
  const until = Date.now() + 30_000;
  while (!/UPSTASH_REDIS_REST_URL=.*\n.*\n/.test(out)) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`warren redis-rest: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}

const ping = (port: number, token: string, host = '127.0.0.1') =>
  fetch(`http://${host}:${port}/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(['PING']),
  }).then((r) => r.json());

describe('warren redis-rest: the token and the listen address', () => {
  it('is not echoed when the caller set it (UPSTASH_REDIS_REST_TOKEN or --token), and works', async () => {
    const secret = 'h56-rest-token-from-env';
    const out = await start(18564, [], { UPSTASH_REDIS_REST_TOKEN: secret });
    expect(out).not.toContain(secret);
    expect(out).toContain('token: the one from UPSTASH_REDIS_REST_TOKEN');
    expect(await ping(18564, secret)).toEqual({ result: 'PONG' });
    const flag = await start(18565, ['--token', 'h56-rest-token-flag'], { UPSTASH_REDIS_REST_TOKEN: '' });
    expect(flag).not.toContain('h56-rest-token-flag');
    expect(await ping(18565, 'h56-rest-token-flag')).toEqual({ result: 'PONG' });
  });

  it('is printed when made up (the only way to learn it), also for an empty UPSTASH_REDIS_REST_TOKEN', async () => {
    const out = await start(18566, [], { UPSTASH_REDIS_REST_TOKEN: '' });
    const token = /UPSTASH_REDIS_REST_TOKEN=(\S+)/.exec(out)?.[1];
    expect(token).toMatch(/^[\w-]{20,}$/);
    expect(await ping(18566, token!)).toEqual({ result: 'PONG' });
  });

  it('listens where --host says, else on HOST (default 127.0.0.1), and prints that URL', async () => {
    const flag = await start(18567, ['--token', 'h56-host', '--host', '127.0.0.2'], { HOST: '127.0.0.3' });
    expect(flag).toContain('UPSTASH_REDIS_REST_URL=http://127.0.0.2:18567');
    expect(await ping(18567, 'h56-host', '127.0.0.2')).toEqual({ result: 'PONG' });
    const env = await start(18568, ['--token', 'h56-host'], { HOST: '127.0.0.3' });
    expect(env).toContain('UPSTASH_REDIS_REST_URL=http://127.0.0.3:18568');
    expect(await ping(18568, 'h56-host', '127.0.0.3')).toEqual({ result: 'PONG' });
  });
});
