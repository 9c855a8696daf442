/** Default for the long-running commands: a broker that stopped answering must not hang a deploy. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * The signals that stop a long-running command gracefully. SIGHUP too: a foreground `warren
 * worker` whose terminal closed (an ssh session dropped) was ended at once by Node's default,
 * cutting off its jobs mid-run and leaving their records `running` until their leases lapsed.
 */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The parts of `process` used here; tests pass an EventEmitter. */
export interface ShutdownProcess {
  on(event: StopSignal, handler: (sig: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

export interface ShutdownOptions {
  /** Exit (code 1) if `fn` has not finished by then (default 30 s): a hung close must not keep the process alive. */
  deadlineMs?: number;
  process?: ShutdownProcess;
  /** What a forced exit (a second signal) leaves behind, said on its line. */
  onForce?: () => string;
  /**
   * Run on a second signal before exiting (bounded by the caller): hands back what it can, and
   * says what it did. A third signal exits at once.
   */
  beforeForce?: () => Promise<string>;
}

/** Starts the shutdown for another reason than a signal; the process exits with `exitCode` once done. */
export type BeginShutdown = (reason: string, exitCode: number) => void;

/**
 * Runs `fn` once on SIGTERM/SIGINT/SIGHUP (or the returned function), then exits; a second signal exits
 * at once. The exit code is the highest asked for (0 for a signal) unless `fn` fails or hangs.
 */
export function onShutdown(fn: () => Promise<void>, opts: ShutdownOptions = {}): BeginShutdown {
  const proc = opts.process ?? process;
  const deadlineMs = opts.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  let stopping = false;
  let code = 0;
  const begin: BeginShutdown = (reason, exitCode) => {
    code = Math.max(code, exitCode);
    if (stopping) return;
    stopping = true;
    console.error(`${reason}: shutting down`);
    setTimeout(() => {
      console.error(`shutdown did not finish within ${deadlineMs} ms; exiting`);
      proc.exit(1);
    }, deadlineMs).unref();
    fn().then(
      // A forced hand-back under way ends the running jobs, so the drain may finish first: the
      // hand-back says what it did and exits 130 (it exited 0 here, that line unsaid).
      () => forcing || proc.exit(code),
      (err) => {
        console.error(err);
        proc.exit(1);
      },
    );
  };
  let forcing = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stopping && opts.beforeForce && !forcing) {
      forcing = true;
      console.error(
        `${sig} again: handing the running jobs back, then exiting (${sig} again to exit at once)`,
      );
      opts.beforeForce().then(
        (said) => {
          console.error(said);
          proc.exit(130);
        },
        (err) => {
          console.error(err);
          proc.exit(130);
        },
      );
      return;
    }
    if (stopping) {
      // Said: a second Ctrl-C ended the process without a word, its jobs cut off mid-run.
      const left = opts.onForce?.();
      console.error(`${sig} again: exiting now without finishing the shutdown${left ? `; ${left}` : ''}`);
      return proc.exit(130);
    }
    begin(sig, 0);
  };
  for (const sig of STOP_SIGNALS) proc.on(sig, handler);
  return begin;
}
