export interface ShutdownOptions {
  /** Exit (code 1) if `fn` has not finished by then: a hung close must not keep the process alive. */
  deadlineMs?: number;
}

/** Runs `fn` once on SIGTERM/SIGINT, then exits; a second signal exits at once. */
export function onShutdown(fn: () => Promise<void>, opts: ShutdownOptions = {}): void {
  let stopping = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`${sig}: shutting down`);
    if (opts.deadlineMs) {
      setTimeout(() => {
        console.error(`shutdown did not finish within ${opts.deadlineMs} ms; exiting`);
        process.exit(1);
      }, opts.deadlineMs).unref();
    }
    fn().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
