import { readFileSync } from 'node:fs';

/** Busy and total jiffies of all CPUs since boot (/proc/stat's first line). */
function cpuTimes(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Waits until the machine is quiet (under `maxBusy` of all CPUs busy over a 500 ms window) or
 * `timeoutMs` passed: a suite must not start while the previous one's brokers still flush,
 * compact or delete queues in the background (a full run once measured the SQS worker's cold
 * import at 93.8 ms where the suite alone measured 67.4 ms).
 * Returns the last window's busy share and whether it settled.
 */
export async function settle(
  maxBusy = 0.25,
  timeoutMs = 30_000,
): Promise<{ busy: number; settled: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let busy = 1;
  while (Date.now() < deadline) {
    const a = cpuTimes();
    await new Promise((r) => setTimeout(r, 500));
    const b = cpuTimes();
    busy = (b.busy - a.busy) / Math.max(1, b.total - a.total);
    if (busy <= maxBusy) return { busy, settled: true };
  }
  return { busy, settled: false };
}
