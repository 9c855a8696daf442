import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
// One CLI process per command, shared by the tests that read its help (each start costs ~1 s,
// several under a loaded full run).
const helps = new Map<string, Promise<string>>();
const help = (cmd: string) => {
  if (!helps.has(cmd))
    helps.set(
      cmd,
      promisify(execFile)(process.execPath, ['packages/cli/bin/warren.js', cmd, '--help'], {
        cwd: ROOT,
      }).then((r) => r.stdout.replace(/\s+/g, ' ')),
    );
  return helps.get(cmd)!;
};

describe.concurrent('warren <command> --help says what the command does', () => {
  it.each(['worker', 'forward'])('%s --metrics-port names /healthz, which it serves too', async (cmd) => {
    expect(await help(cmd)).toMatch(/--metrics-port <n> serve \/metrics, \/status\.json and \/healthz/);
  });

  it.each(['ingest', 'forward'])("%s --shutdown-timeout gives its own default, not dev's", async (cmd) => {
    const text = await help(cmd);
    expect(text).toContain('(default 30000)');
    expect(text).not.toContain('dev with a worker');
  });

  it("worker --queues and --concurrency name the config's settings as their defaults", async () => {
    const text = await help('worker');
    expect(text).toContain('(default: worker.queues in the config, else every queue with a task here)');
    expect(text).toContain('jobs in flight (default: worker.concurrency in the config, 16)');
  });

  it('redis-rest names its listen address and the variable it also reads (HOST)', async () => {
    expect(await help('redis-rest')).toContain(
      '--host <addr> listen address (default: "127.0.0.1", env: HOST)',
    );
  });

  it('dev --shutdown-timeout gives the drain default it has with a worker', async () => {
    expect(await help('dev')).toContain('with a worker: its drain + 10000');
  });
});
