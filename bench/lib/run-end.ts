/**
 * Cleanups that outlive one suite: worker processes shared by several suites (a Celery worker
 * takes seconds to boot, a tsx worker host about one) are closed once, when the run ends.
 * `onInterrupt` cleanups run only when the run is stopped (Ctrl-C, SIGTERM): a round's own
 * `finally` deletes its queue and keys, but a signal ends the process before it runs.
 */
const hooks: (() => Promise<void> | void)[] = [];
const interruptHooks: (() => Promise<void> | void)[] = [];

export function onRunEnd(fn: () => Promise<void> | void): void {
  hooks.push(fn);
}

export function onInterrupt(fn: () => Promise<void> | void): void {
  interruptHooks.push(fn);
}

let stopping = false;
/** True once a signal stopped the run: no new round may start (see peers/common.ts). */
export const interrupted = () => stopping;

export async function runEndHooks(): Promise<void> {
  for (const fn of hooks.splice(0).reverse()) await Promise.resolve(fn()).catch(() => {});
}

const EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGPIPE: 141, SIGTERM: 143 };

/**
 * On SIGINT/SIGTERM, or when whoever reads our output goes away (`npm run bench | head`: Node
 * ignores SIGPIPE, so the next write fails with EPIPE, which used to crash the run before its
 * cleanup): the run-end cleanups, then the interrupt ones, then exit 130/143/141.
 */
export function exitCleanlyOnSignals(log: (line: string) => void): void {
  const stop = async (signal: NodeJS.Signals) => {
    // Ctrl-C reaches this process twice (from the terminal and relayed by tsx): the second one
    // must not kill the cleanup the first one started.
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: deleting this run's queues, keys and temporary brokers…`);
    const bounded = (p: Promise<void>) => Promise.race([p, new Promise((r) => setTimeout(r, 20_000))]);
    // Workers first (they write results), then what the rounds created; a producer still
    // finishing its burst can recreate a key meanwhile, hence the second pass.
    await bounded(runEndHooks());
    for (const pass of [1, 2]) {
      if (pass === 2) await new Promise((r) => setTimeout(r, 1000));
      for (const fn of [...interruptHooks].reverse()) await bounded(Promise.resolve(fn()).catch(() => {}));
    }
    process.exit(EXIT[signal] ?? 143);
  };
  process.on('SIGINT', (s) => void stop(s));
  process.on('SIGTERM', (s) => void stop(s));
  for (const out of [process.stdout, process.stderr]) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      void stop('SIGPIPE');
    });
  }
}
