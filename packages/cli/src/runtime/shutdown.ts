/** Default for the long-running commands: a broker that stopped answering must not hang a deploy. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 30_000;

/** The parts of `process` used here; tests pass an EventEmitter. */
export interface ShutdownProcess {
  on(event: 'SIGTERM' | 'SIGINT', handler: (sig: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

export interface ShutdownOptions {
  /** Exit (code 1) if `fn` has not finished by then (default 30 s): a hung close must not keep the process alive. */
  deadlineMs?: number;
  process?: ShutdownProcess;
}

/** Runs `fn` once on SIGTERM/SIGINT, then exits; a second signal exits at once. */
export function onShutdown(fn: () => Promise<void>, opts: ShutdownOptions = {}): void {
  const proc = opts.process ?? process;
  const deadlineMs = opts.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  let stopping = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stopping) return proc.exit(130);
    stopping = true;
    console.error(`${sig}: shutting down`);
    setTimeout(() => {
      console.error(`shutdown did not finish within ${deadlineMs} ms; exiting`);
      proc.exit(1);
    }, deadlineMs).unref();
    fn().then(
      () => proc.exit(0),
      (err) => {
        console.error(err);
        proc.exit(1);
      },
    );
  };
  proc.on('SIGTERM', handler);
  proc.on('SIGINT', handler);
}
