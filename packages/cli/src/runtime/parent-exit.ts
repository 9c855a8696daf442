/** The part of `process` read here; tests pass an object whose ppid they change. */
export interface ParentProcess {
  readonly ppid: number;
}

/**
 * Calls `onExit` once this process's parent has gone (it was re-parented, so its ppid changed),
 * checking every `everyMs`; returns a function that stops the watch. Why: `npm start` runs
 * `sh -c "warren dev"`, and dash (Debian's and Ubuntu's /bin/sh) keeps itself between npm and
 * node, so a SIGTERM to npm ended npm and sh and left warren dev running, orphaned, on its port.
 */
export function onParentExit(onExit: () => void, everyMs = 1000, proc: ParentProcess = process): () => void {
  const parent = proc.ppid;
  const timer = setInterval(() => {
    if (proc.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
