import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const KEY = 'fx-dev-try-key-0123456789';
const PORT = 18_873; // no other test uses it
let stop: (() => void) | undefined;
afterEach(() => stop?.());

/** `warren dev` on the embedded broker and store; resolves with its start-up output. */
function startDev(extra: NodeJS.ProcessEnv): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), ...extra };
  for (const k of ['RABBITMQ_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN'])
    delete env[k];
  if (!('WARREN_API_KEYS' in extra)) delete env.WARREN_API_KEYS;
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev'], { cwd: ROOT, env });
  stop = () => child.kill('SIGKILL');
  let out = '';
  return new Promise((ready, fail) => {
    const on = (b: Buffer) => {
      out += b;
      // The Try block ends with the GET line.
      if (/Try:[\s\S]*\/v1\/jobs\/<id>.*\n/.test(out)) ready(out);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', () => fail(new Error(out)));
  });
}

/** The enqueue command the banner suggests (a curl over two lines), with `<key>` filled in. */
function tryEnqueue(out: string): string {
  const block = out.slice(out.indexOf('Try:') + 'Try:'.length);
  const cmd = block.slice(0, block.indexOf('\n  curl -s', 1)).trim();
  expect(cmd).toMatch(/^curl -s -X POST/);
  return cmd.replaceAll('<key>', KEY);
}

const sh = (cmd: string) => promisify(execFile)('sh', ['-c', cmd], { timeout: 10_000 });

describe('warren dev: the commands its banner suggests', () => {
  it('enqueue as printed, with the key filled in, when API keys are configured', async () => {
    const out = await startDev({ WARREN_API_KEYS: KEY });
    expect(out).not.toContain(KEY); // a key is a secret: the banner names it <key>
    const { stdout } = await sh(tryEnqueue(out));
    expect(JSON.parse(stdout)).toMatchObject({ task: 'demo.add', state: 'queued' });
    const status = /status: (warren status [^\n]*)/.exec(out)?.[1];
    expect(status).toContain('--api-key <key>');
  });

  it('enqueue as printed without keys', async () => {
    const out = await startDev({});
    const { stdout } = await sh(tryEnqueue(out));
    expect(JSON.parse(stdout)).toMatchObject({ task: 'demo.add', state: 'queued' });
  });

  it("name a task of the config in use, not the example's demo.add", async () => {
    const out = await startDev({
      WARREN_CONFIG: resolve(ROOT, 'packages/cli/src/testing/fx-cli.config.ts'),
    });
    const { stdout } = await sh(tryEnqueue(out));
    expect(JSON.parse(stdout)).toMatchObject({ task: 'fx.echo', state: 'queued' });
  });
});
