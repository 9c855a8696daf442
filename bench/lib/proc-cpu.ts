import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The pid listening on a local TCP port (via `ss -ltnp`), if it can be seen. */
export function pidOnPort(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** User+system CPU milliseconds a process has used so far (/proc/<pid>/stat, 100 ticks/s). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * CPU time per process over a window, for the processes of a pipeline: tells which stage
 * (producer, broker, Redis, worker) burns the CPU the 2 cores share.
 */
export function cpuMeter(pids: Record<string, number | undefined>) {
  const live = Object.entries(pids).filter((e): e is [string, number] => e[1] !== undefined);
  const start = new Map(live.map(([k, pid]) => [k, cpuMs(pid)]));
  return {
    /** `unit`: what one of the `perJobs` items is called in the report (a job, a message). */
    stop(perJobs: number, unit = 'job'): string {
      const rows = live.map(([k, pid]) => ({ k, ms: cpuMs(pid) - start.get(k)! }));
      const total = rows.reduce((a, r) => a + r.ms, 0);
      return [
        ` CPU per process over the round (µs per ${unit}; shared services also serve other clients):`,
        ...rows
          .sort((a, b) => b.ms - a.ms)
          .map(
            (r) =>
              `  ${((r.ms * 1000) / perJobs).toFixed(0).padStart(7)} µs/${unit} ${((100 * r.ms) / (total || 1)).toFixed(1).padStart(5)} %  ${r.k}`,
          ),
      ].join('\n');
    },
  };
}
