import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the worker logs that it is consuming. */
  ready: Promise<void>;
  exited: Promise<number | null>;
}

/** `warren worker` in a child process (the real CLI, as deployed), consuming `queue`. */
export function startWorkerProcess(queue: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(
    process.execPath,
    [resolve(ROOT, 'packages/cli/bin/warren.js'), 'worker', '--queues', queue],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        WARREN_CONFIG: resolve(ROOT, 'test/worker/support/worker-process-config.ts'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const ready = new Promise<void>((ok, fail) => {
    const on = (b: Buffer) => {
      out += b.toString();
      if (out.includes('consuming')) ok();
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (code) => fail(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, ready, exited };
}
