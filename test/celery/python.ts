import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { aptInstall } from '../support/services';

/** Debian's interpreter: python3-celery lives in its dist-packages (a pyenv python3 may shadow it). */
export const PY = '/usr/bin/python3';
export const PY_DIR = fileURLToPath(new URL('./py/', import.meta.url));

function probe(): Promise<string | undefined> {
  return new Promise((resolve) =>
    execFile(PY, ['-c', 'import celery, redis, amqp; print(celery.__version__)'], (err, out) =>
      resolve(err ? undefined : out.trim()),
    ),
  );
}

/**
 * Celery 5.2 from Debian (python3-celery, python3-redis), installed when missing. Returns why the
 * suite must skip, or undefined when Celery is ready.
 */
export async function ensureCelery(): Promise<{ version?: string; skip?: string }> {
  let version = await probe();
  if (!version) {
    try {
      aptInstall(['python3', 'python3-celery', 'python3-redis']);
    } catch (err) {
      return {
        skip: `Celery interop tests skipped: cannot install python3-celery (${(err as Error).message})`,
      };
    }
    version = await probe();
  }
  return version
    ? { version }
    : { skip: `Celery interop tests skipped: ${PY} cannot import celery/redis/amqp` };
}

/** Runs a Python snippet in py/ (the test tasks importable), returns stdout. */
export function runPython(code: string, env: Record<string, string>, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      PY,
      ['-c', code],
      { cwd: PY_DIR, env: { ...process.env, ...env }, timeout: timeoutMs },
      (err, stdout, stderr) =>
        err ? reject(new Error(`python failed: ${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

export interface CeleryWorker {
  logs(): string;
  stop(): Promise<void>;
}

/** `python3 -m celery -A warren_test_tasks worker -Q <queue> -c 1 --pool <pool>`, resolved once ready. */
export function startCeleryWorker(
  queue: string,
  env: Record<string, string>,
  name: string,
  /** `prefork` enforces time limits (solo does not); one child either way. */
  pool: 'solo' | 'prefork' = 'solo',
): Promise<CeleryWorker> {
  const args = ['-m', 'celery', '-A', 'warren_test_tasks', 'worker', '-Q', queue, '-c', '1', '--pool', pool];
  args.push('-l', 'info', '-n', `${name}@%h`, '--without-mingle', '--without-gossip');
  const child: ChildProcess = spawn(PY, args, { cwd: PY_DIR, env: { ...process.env, ...env } });
  let out = '';
  const worker: CeleryWorker = {
    logs: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM'); // Celery's warm shutdown
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`celery worker not ready in 60 s:\n${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (/ ready\./.test(out)) {
        clearTimeout(timer);
        resolve(worker);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`celery worker exited (${code}):\n${out}`));
    });
  });
}
