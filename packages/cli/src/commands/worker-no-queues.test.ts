import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');

/** The real CLI on the in-memory broker; resolves on exit, or kills it once it says it is consuming. */
function worker(args: string[], config: string): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, WARREN_CONFIG: resolve(ROOT, config) };
  for (const k of ['RABBITMQ_URL', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN'])
    delete env[k];
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'worker', '--embedded', ...args], {
    cwd: ROOT,
    env,
  });
  let out = '';
  return new Promise((done) => {
    const on = (b: Buffer) => {
      out += b;
      if (/consuming/.test(out)) child.kill('SIGKILL');
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => done({ code, out }));
  });
}

describe('warren worker with nothing to consume', () => {
  it('refuses a config in which no task has a handler, instead of idling on no queue', async () => {
    const { code, out } = await worker([], 'packages/cli/src/testing/fx-queue.config.ts');
    expect({ code, out }).toEqual({ code: 1, out: expect.stringMatching(/no queues to consume/) });
  }, 30_000);

  it('warns of a --queues name the config does not have, naming the ones it has', async () => {
    // A typo declared and consumed a new, empty queue, silently: a worker up and idle while its
    // jobs waited. (Still consumed: producers that publish straight to a queue, as the fault
    // tests do, need no config entry.)
    const { out } = await worker(['--queues', 'fx-cli-wrok'], 'packages/cli/src/testing/fx-cli.config.ts');
    expect(out).toMatch(/queue \\?"fx-cli-wrok\\?" is not in the config \(its queues: .*fx-cli-work/);
    expect(out).toMatch(/consuming/);
  }, 30_000);

  it('refuses an empty --queues list', async () => {
    const { code, out } = await worker(['--queues', ','], 'packages/cli/src/testing/fx-cli.config.ts');
    expect({ code, out }).toEqual({ code: 1, out: expect.stringMatching(/no queues to consume/) });
  }, 30_000);
});
