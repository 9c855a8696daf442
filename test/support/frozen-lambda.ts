import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunction, FUNCTIONS_SRC, ROOT } from '../../scripts/build-functions';

export interface Answer {
  ok?: unknown;
  error?: string;
  /** How long the handler took, measured in the function's process. */
  ms: number;
}

export interface FrozenLambda {
  /** One invocation of the warm process's `handler`. */
  invoke(event: unknown, remainingMs?: number): Promise<Answer>;
  /** SIGSTOP for `ms`, then SIGCONT: what Lambda does to a function between invocations. */
  freeze(ms: number): Promise<void>;
  /** Everything the function printed so far. */
  output(): string;
  close(): Promise<void>;
}

const bundles = new Map<string, Promise<{ outDir: string; file: string }>>();
/** Built once per test file (several warm processes may run the same bundle). */
function bundle(name: string) {
  let p = bundles.get(name);
  if (!p) {
    mkdirSync(join(ROOT, '.build'), { recursive: true });
    const outDir = mkdtempSync(join(ROOT, '.build/test-frozen-'));
    p = buildFunction(join(FUNCTIONS_SRC, `${name}.ts`), outDir).then((b) => ({ outDir, file: b.file }));
    bundles.set(name, p);
  }
  return p;
}

/** Removes the bundles built by this file. */
export async function removeFrozenBundles(): Promise<void> {
  for (const p of bundles.values()) rmSync((await p).outDir, { recursive: true, force: true });
  bundles.clear();
}

/**
 * A Lambda entry (stacks/functions/<name>.ts) built as deployed and run in a warm Node process of
 * its own, invoked over IPC as often as wanted, so that the process can be frozen (SIGSTOP) between
 * invocations the way Lambda freezes an idle function, with every module-level connection kept.
 */
export async function startFrozenLambda(name: string, env: Record<string, string>): Promise<FrozenLambda> {
  const { outDir, file } = await bundle(name);
  const script = `
    const { handler } = await import(${JSON.stringify(file)});
    process.on('message', async ({ id, event, remainingMs }) => {
      const deadline = Date.now() + remainingMs;
      const t0 = performance.now();
      const out = await handler(event, { awsRequestId: id, getRemainingTimeInMillis: () => deadline - Date.now() })
        .then((r) => ({ ok: r ?? null }), (e) => ({ error: String(e) }));
      process.send({ id, ...out, ms: performance.now() - t0 });
    });
    process.send({ ready: true });`;
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: outDir,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const waiting = new Map<number, (a: Answer) => void>();
  let seq = 0;
  child.on('message', (m: Answer & { id?: number }) => {
    if (m.id !== undefined) waiting.get(m.id)?.(m);
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`the function exited (${code}) before it was ready: ${text}`)),
    );
  });
  return {
    invoke: (event, remainingMs = 30_000) =>
      new Promise((resolve, reject) => {
        const id = ++seq;
        waiting.set(id, resolve);
        child.once('exit', (code) => reject(new Error(`the function exited (${code}): ${text}`)));
        child.send({ id, event, remainingMs });
      }),
    freeze: async (ms) => {
      child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, ms));
      child.kill('SIGCONT');
    },
    output: () => text,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}
