import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const PORT = 18_871; // the REST endpoint is PORT + 1 (18872); no other test listens on either
let stop: (() => Promise<unknown>) | undefined;
// Awaited: the next test binds PORT + 1 itself, which a dying dev server may still hold.
afterEach(() => stop?.());

/** Starts `warren dev` on a real Redis (embedded broker); resolves with its start-up output. */
function startDev(extra: NodeJS.ProcessEnv): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-cli.config.ts'),
    REDIS_URL: 'redis://127.0.0.1:6379',
    WARREN_REDIS_PREFIX: `fx-dev-rest-${process.pid}:`,
    PORT: String(PORT),
    ...extra,
  };
  for (const k of ['RABBITMQ_URL', 'UPSTASH_REDIS_REST_URL', 'WARREN_API_KEYS'])
    if (!(k in extra)) delete env[k];
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev', '--no-worker'], {
    cwd: ROOT,
    env,
  });
  stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    child.kill('SIGKILL');
    return once(child, 'exit');
  };
  let out = '';
  return new Promise((ready, fail) => {
    const on = (b: Buffer) => {
      out += b;
      if (out.includes('Try:')) ready(out); // its last start-up lines
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', () => fail(new Error(out)));
  });
}

const ping = (url: string, token: string) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(['ping']),
  });

describe('warren dev with REDIS_URL: the Upstash-REST endpoint beside the ingest', () => {
  it('prints a URL and token that the endpoint accepts when UPSTASH_REDIS_REST_TOKEN is unset', async () => {
    const out = await startDev({});
    const url = /UPSTASH_REDIS_REST_URL=(\S+)/.exec(out)?.[1];
    expect(url).toBe(`http://127.0.0.1:${PORT + 1}`);
    const token = /UPSTASH_REDIS_REST_TOKEN=(\S+)/.exec(out)?.[1];
    expect(token, out).toBeDefined();
    const res = await ping(url!, token!);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'PONG' });
  });

  it('takes UPSTASH_REDIS_REST_TOKEN when set and does not print it', async () => {
    const out = await startDev({ UPSTASH_REDIS_REST_TOKEN: 'fx-dev-rest-secret' });
    expect(out).not.toContain('fx-dev-rest-secret');
    expect((await ping(`http://127.0.0.1:${PORT + 1}`, 'fx-dev-rest-secret')).status).toBe(200);
  });
});

describe('warren dev with REDIS_URL and an empty UPSTASH_REDIS_REST_TOKEN', () => {
  it('takes it as unset: the printed token works, not an empty one', async () => {
    const out = await startDev({ UPSTASH_REDIS_REST_TOKEN: '' });
    const token = /UPSTASH_REDIS_REST_TOKEN=(\S+)/.exec(out)?.[1];
    expect(token, out).toBeDefined();
    expect((await ping(`http://127.0.0.1:${PORT + 1}`, token!)).status).toBe(200);
    expect((await ping(`http://127.0.0.1:${PORT + 1}`, '')).status).toBe(401);
  });
});

describe('warren dev with REDIS_URL when PORT + 1 is taken', () => {
  it('names the REST endpoint and PORT + 1 in its refusal, not only the busy address', async () => {
    const busy = createServer();
    await new Promise<void>((r, fail) => busy.once('error', fail).listen(PORT + 1, '127.0.0.1', r));
    try {
      const err = await startDev({}).then(
        (out) => new Error(`started: ${out}`),
        (e: Error) => e,
      );
      expect(err.message).toContain(
        `the Upstash REST endpoint warren dev serves with REDIS_URL on PORT + 1 (${PORT + 1}): listen EADDRINUSE`,
      );
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
