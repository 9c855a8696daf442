import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { buildSourceOf } from './build-sources';

export interface ProfileRow {
  name: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Top functions by self time. */
  functions: ProfileRow[];
  /** Self time grouped by where the code lives (package, driver, Node internals, GC, idle). */
  stages: ProfileRow[];
  /**
   * Each sample charged to the innermost warren package on its stack (drivers, Node internals and
   * syscalls a package called count for it); samples with no warren frame keep their own stage.
   */
  under: ProfileRow[];
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Maps a script URL to the stage it belongs to: a warren package, a driver, Node itself. */
export function stageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /packages\/([^/]+)\/src\//.exec(url)?.[1];
  if (pkg) return `@warren/${pkg}`;
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (mod) return mod;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench harness';
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

/**
 * In-process CPU profiling over the inspector (same data as `--cpu-prof`, but started and stopped
 * around the measured window only). Writes a `.cpuprofile` (open in Chrome DevTools) and returns
 * the top self-time functions and stages.
 */
export async function startProfile(): Promise<{ stop(file: string): Promise<ProfileSummary> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
      return summarize(profile, file);
    },
  };
}

export function summarize(profile: CpuProfile, file: string, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The bundled build's chunk URLs say nothing: frames there are named by their source file
  // (looked up once per node, not per sample).
  const source = new Map(
    profile.nodes.map((n) => [n.id, buildSourceOf(n.callFrame.url, n.callFrame.lineNumber)]),
  );
  const where = (id: number, cf: CpuProfile['nodes'][number]['callFrame']): string =>
    source.get(id) ??
    (cf.url
      ? `${cf.url.replace(/^file:\/\/.*?\/(packages|node_modules|bench)\//, '$1/')}:${cf.lineNumber + 1}`
      : '');
  // Memoized per node: every sample of a node walks the same stack.
  const pkgOf = new Map<number, string | undefined>();
  const warrenPkg = (id: number): string | undefined => {
    if (pkgOf.has(id)) return pkgOf.get(id);
    const own = /packages\/([^/]+)\/src\//.exec(source.get(id) ?? byId.get(id)!.url)?.[1];
    const up = parent.get(id);
    const pkg = own ? `@warren/${own}` : up === undefined ? undefined : warrenPkg(up);
    pkgOf.set(id, pkg);
    return pkg;
  };
  const fnTime = new Map<string, number>();
  const stageTime = new Map<string, number>();
  const underTime = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const cf = byId.get(id);
    if (!cf) return;
    total += us;
    add(fnTime, `${cf.functionName || '(anonymous)'} ${where(id, cf)}`.trim(), us);
    const stage = stageOf(source.get(id) ?? cf.url, cf.functionName);
    add(stageTime, stage, us);
    add(underTime, warrenPkg(id) ?? stage, us);
  });
  const rows = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: total ? (100 * us) / total : 0 }));
  return {
    file,
    totalMs: total / 1000,
    functions: rows(fnTime, top),
    stages: rows(stageTime, 12),
    under: rows(underTime, 12),
  };
}

export function formatProfile(title: string, p: ProfileSummary): string {
  const line = (r: ProfileRow) =>
    `  ${r.ms.toFixed(0).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)} %  ${r.name}`;
  return [
    `${title} — ${p.totalMs.toFixed(0)} ms sampled (${p.file})`,
    ' by stage (self time):',
    ...p.stages.map(line),
    " by warren package on the stack (what each package's calls cost, drivers and syscalls included):",
    ...p.under.map(line),
    ' top functions (self time):',
    ...p.functions.map(line),
  ].join('\n');
}
