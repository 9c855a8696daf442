import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

/** Every harness keeps its nodes under a temp dir with this prefix. */
export const HARNESS_PREFIX = 'warren-rmq-';
const OWNER_FILE = 'owner.pid';

/** Records which test process owns a harness dir, so a later run can tell its nodes are orphans. */
export function claimHarnessDir(dir: string): void {
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
}

/**
 * Nodes are detached so a test can kill -9 them independently, which also means a test run
 * that is itself killed leaves them running, holding their ports and node names: every later
 * run would then fail to boot a node of the same name. Kill the beam processes of harness dirs
 * whose owning test process is gone, and remove those dirs.
 */
export function reapOrphanNodes(log: (msg: string) => void = () => {}): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(HARNESS_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = readPid(join(dir, OWNER_FILE));
    if (owner === undefined || isAlive(owner)) continue;
    for (const node of safeReaddir(dir)) {
      const pid = readPid(join(dir, node, 'pid'));
      // Only a beam process started from this dir: pids get reused.
      if (pid !== undefined && isAlive(pid) && cmdline(pid).includes(dir)) {
        log(`killing orphan RabbitMQ node ${node} (pid ${pid}) left by test process ${owner}`);
        tryKill(pid);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `boot` while holding a machine-wide lock, so test files running in parallel boot their
 * nodes one harness at a time: ten nodes booting at once on 2 cores, next to the other tests,
 * once took a node past a minute to listen (CI). Waiting here is cheaper than a timeout.
 */
export function withBootLock<T>(boot: () => Promise<T>): Promise<T> {
  return withMachineLock('warren-rabbit-boot', boot);
}

/** Runs `fn` while holding the machine-wide lock `name` (a lock file in the temp dir). */
export async function withMachineLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const release = await lockfile.lock(join(tmpdir(), name), {
    realpath: false,
    stale: 20_000,
    // Default is to throw from a timer, which would kill the test worker; a lock taken over
    // after 20 s without refresh only costs a concurrent holder.
    onCompromised: (err) => console.warn(`[test lock ${name}] ${err.message}`),
    retries: { retries: 1_200, factor: 1, minTimeout: 250, maxTimeout: 250 },
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}

/** The pid in a pid file, if the file exists and holds one. */
export function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** `kill -9`, quietly: the process may be gone already. */
export function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * SIGTERM, RabbitMQ's graceful shutdown (the node logs 'SIGTERM received - shutting down' and
 * stops its applications as `rabbitmqctl shutdown` does), then waits for the process to be gone.
 * ~1.1 s against ~2.2 s for `rabbitmqctl shutdown`, which boots an Erlang VM of its own to ask.
 * A node still there after `timeoutMs` is killed (-9), with a warning. `dir`: the harness dir (in the beam's -home).
 */
export async function stopGracefully(pid: number, dir: string, timeoutMs = 30_000): Promise<void> {
  // Only a beam process started from this harness dir: a stale pid file's pid may be reused.
  if (!cmdline(pid).includes(dir)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (const until = Date.now() + timeoutMs; isRunning(pid); await sleep(50)) {
    if (Date.now() > until) {
      console.warn(`[rabbit harness] node pid ${pid} still up ${timeoutMs} ms after SIGTERM: kill -9`);
      tryKill(pid);
      return;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alive and not a zombie (an exited child not yet reaped counts as gone). */
function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  const f = `/proc/${pid}/cmdline`;
  return existsSync(f) ? readFileSync(f, 'utf8').replaceAll('\0', ' ') : '';
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
