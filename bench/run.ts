/**
 * `npm run bench [-- --quick] [--only ids] [--rounds N] [--profile]`: prints the machine, runs
 * every suite in bench/suites/*.ts (sides alternating A B A B), prints one table, writes
 * bench/results/latest.json and latest.svg.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerBrokerUser } from '../test/support/queue-hygiene';
import { ensureServices } from '../test/support/services';
import { parseBenchArgs, USAGE } from './lib/cli-args';
import { describeMachine, formatMachine } from './lib/machine';
import { createProgress } from './lib/progress';
import { exitCleanlyOnSignals, interrupted, runEndHooks } from './lib/run-end';
import { runSuite, type SuiteResult } from './lib/runner';
import { settle } from './lib/settle';
import { renderSvg } from './lib/svg';
import { renderTable } from './lib/table';
import type { BenchContext, BenchSuite } from './lib/types';

const here = dirname(fileURLToPath(import.meta.url));
// Piped into `head` and the like: a closed stdout must not kill the run before each round deletes
// its queue and keys (it left a round's 20k job records behind once); the run goes on unprinted.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
exitCleanlyOnSignals((line) => process.stderr.write(`${line}\n`));
const args = parseBenchArgs(process.argv.slice(2));
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const files = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort();
const ids = files.map((f) => f.replace(/\.ts$/, ''));
const unknown = args.only.filter((id) => !ids.includes(id));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${ids.join(', ')}`);
  process.exit(2);
}
const selected = files.filter((_, i) => !args.only.length || args.only.includes(ids[i]!));

// A fresh machine: start (or apt-install) RabbitMQ and Redis the way the test setup does.
await ensureServices((m) => console.error(m));
// A test run ending while the bench runs leaves its queues alone (see registerBrokerUser).
registerBrokerUser();
const machine = await describeMachine();
console.log(formatMachine(machine));
console.log(
  `run       ${args.quick ? 'quick' : 'full'} · ${args.rounds} rounds · ${selected.length} suite(s)${args.profile ? ' · profiling warren' : ''}\n`,
);

const progress = createProgress();
const tmpDir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
const profileDir = join(here, 'results', 'profiles');
if (args.profile) mkdirSync(profileDir, { recursive: true });
const ctx: BenchContext = {
  quick: args.quick,
  rounds: args.rounds,
  tmpDir,
  log: (m) => progress.log(m),
  progress: (label, total) => progress.bar(label, total),
  profile: args.profile,
  cpu: args.cpu,
  profileDir: args.profile ? profileDir : undefined,
};

const started = Date.now();
const results: SuiteResult[] = [];
const overall = progress.bar('suites', selected.length);
for (const file of selected) {
  if (interrupted()) break;
  const id = file.replace(/\.ts$/, '');
  const quiet = await settle();
  progress.log(
    `▶ ${id}${quiet.settled ? '' : ` (machine still ${Math.round(quiet.busy * 100)}% busy after 30 s; measuring anyway)`}`,
  );
  let r: SuiteResult;
  try {
    const suite = (await import(pathToFileURL(join(here, 'suites', file)).href)).default as BenchSuite;
    if (!suite?.sides) throw new Error(`${file} does not default-export a BenchSuite`);
    r = await runSuite(suite, ctx);
  } catch (err) {
    r = {
      id,
      title: id,
      status: 'failed',
      reason: (err as Error).message,
      metrics: [],
      sides: [],
      comparisons: [],
      seconds: 0,
    };
  }
  progress.log(`  ${r.status} in ${r.seconds.toFixed(1)} s${r.reason ? ` (${r.reason})` : ''}`);
  results.push(r);
  overall.tick();
}
overall.stop();
// Stopped by a signal: no table, no results file; the signal handler cleans up and exits.
if (interrupted()) await new Promise(() => {});
await runEndHooks();
progress.stop();

const seconds = (Date.now() - started) / 1000;
console.log(`\n${renderTable(results, args.rounds)}\n`);
console.log(`total ${seconds.toFixed(0)} s`);

const out = join(here, 'results');
mkdirSync(out, { recursive: true });
// A whole run is the one the README shows (latest.*); an `--only` run must not overwrite it.
const name = args.only.length ? 'partial' : 'latest';
const when = new Date().toISOString();
writeFileSync(
  join(out, `${name}.json`),
  `${JSON.stringify({ when, machine, args, seconds, suites: results }, null, 2)}\n`,
);
writeFileSync(
  join(out, `${name}.svg`),
  renderSvg(
    results,
    `${when.slice(0, 16)} · ${machine.cores} cores · Node ${machine.node} · ${machine.rabbitmq} · ${machine.redis} · ${args.quick ? 'quick' : 'full'}`,
  ),
);
console.log(`wrote bench/results/${name}.json and ${name}.svg`);
rmSync(tmpDir, { recursive: true, force: true });
// Drivers (amqplib heartbeats, ioredis) left by a failed suite must not keep the run alive.
process.exit(results.some((r) => r.status === 'failed') ? 1 : 0);
