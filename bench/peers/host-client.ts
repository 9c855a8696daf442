import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHILD_EXEC_ARGV } from '../lib/exec-argv';
import type { HostReport, StartMsg } from './worker-host';

const hostFile = join(dirname(fileURLToPath(import.meta.url)), 'worker-host.ts');
type Done = Extract<HostReport, { type: 'done' }>;

/** The bench side of a worker-host child process. */
export class WorkerHost {
  private child: ChildProcess | undefined;
  private listeners = new Set<(m: HostReport) => void>();

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async open(): Promise<void> {
    this.child = fork(hostFile, [], {
      execArgv: CHILD_EXEC_ARGV,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: HostReport) => {
      for (const l of this.listeners) l(m);
    });
    // A send to a child that already died (Ctrl-C reaches the whole process group) reports the
    // closed channel here; the 'exit' listener below turns the death itself into an error.
    this.child.on('error', (err) => {
      for (const l of this.listeners) l({ type: 'error', message: `worker host: ${err.message}` });
    });
    this.child.on('exit', (code) => {
      for (const l of this.listeners) l({ type: 'error', message: `worker host exited (${code})` });
    });
  }

  private next<T extends HostReport['type']>(type: T, onProgress?: (count: number) => void) {
    return new Promise<Extract<HostReport, { type: T }>>((resolve, reject) => {
      const l = (m: HostReport) => {
        if (m.type === 'progress') onProgress?.(m.count);
        else if (m.type === type) {
          this.listeners.delete(l);
          resolve(m as Extract<HostReport, { type: T }>);
        } else if (m.type === 'error') {
          this.listeners.delete(l);
          reject(new Error(m.message));
        }
      };
      this.listeners.add(l);
    });
  }

  /** Starts a worker and resolves once it consumes; `done` resolves when all results are stored. */
  async start(
    msg: Omit<StartMsg, 'type'>,
    onProgress?: (count: number) => void,
  ): Promise<{ done: Promise<Done> }> {
    if (!this.child) await this.open();
    const ready = this.next('ready');
    const done = this.next('done', onProgress);
    done.catch(() => {});
    this.child!.send({ type: 'start', ...msg });
    await ready;
    return { done };
  }

  async stop(): Promise<void> {
    const stopped = this.next('stopped');
    this.child?.send({ type: 'stop' });
    await stopped;
  }

  close(): void {
    this.listeners.clear();
    this.child?.removeAllListeners('exit');
    this.child?.removeAllListeners('error');
    this.child?.on('error', () => {});
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
