/** How often the event loop is sampled. */
const TICK_MS = 250;
/** A tick this much later than due is a stall worth a line (a GC pause or a large JSON.parse stays under it). */
export const STALL_MS = 1000;
/** After a line, shorter stalls than it are only counted for this long (a task blocking every second). */
const QUIET_MS = 60_000;

/**
 * Calls `onStall(ms, unreported)` after a block of the event loop of STALL_MS or more, as a task
 * doing synchronous CPU work causes: nothing else runs meanwhile, the AMQP heartbeats included,
 * so past the heartbeat timeout RabbitMQ drops the connection, and the worker said only "write
 * ECONNRESET" or "Unexpected close". The sampling timer runs first thing after the block, while
 * the task that blocked is typically still running. Within QUIET_MS of a report only a longer
 * block is reported; `unreported` counts the others since. Returns the stop function.
 */
export function watchLoopStalls(
  onStall: (ms: number, unreported: number) => void,
  now = () => performance.now(),
): () => void {
  let last = now();
  let reported = { ms: 0, at: Number.NEGATIVE_INFINITY };
  let unreported = 0;
  const timer = setInterval(() => {
    const t = now();
    const late = Math.round(t - last - TICK_MS);
    last = t;
    if (late < STALL_MS) return;
    if (t - reported.at < QUIET_MS && late <= reported.ms) {
      unreported++;
      return;
    }
    onStall(late, unreported);
    reported = { ms: late, at: t };
    unreported = 0;
  }, TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
