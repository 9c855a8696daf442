/** Runs `fn` once on SIGTERM/SIGINT, then exits; a second signal exits at once. */
export function onShutdown(fn: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`${sig}: shutting down`);
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
