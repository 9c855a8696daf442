import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMachine } from './machine';
import { renderTable } from './table';

const BENCH = resolve(import.meta.dirname, '..');

/**
 * bench/README.md shows "one run kept as results/example.json": its table must be that run's.
 * A new example.json committed alone left the README on the run before (other medians, ratios,
 * date and length), which nothing caught.
 */
describe('bench README latest table', () => {
  it('is the table of results/example.json, and its paragraph names that run', () => {
    const readme = readFileSync(resolve(BENCH, 'README.md'), 'utf8');
    const at = readme.indexOf('<!-- latest-table -->');
    expect(at, 'README has the latest-table marker').toBeGreaterThan(0);
    const open = readme.indexOf('\n```\n', at) + 5;
    const shown = readme.slice(open, readme.indexOf('\n```', open));
    const example = JSON.parse(readFileSync(resolve(BENCH, 'results/example.json'), 'utf8'));
    // As bench/run.ts prints it.
    const run = `run       ${example.args.quick ? 'quick' : 'full'} · ${example.args.rounds} rounds · ${example.suites.length} suite(s)`;
    const rendered = `${formatMachine(example.machine)}\n${run}\n\n${renderTable(example.suites, example.args.rounds)}`;
    expect(shown.trimEnd()).toBe(rendered.trimEnd());
    const paragraph = readme.slice(at, open).replace(/\s+/g, ' ');
    // The run's start, to the minute: `when` is written at its end.
    const startMs = Date.parse(example.when) - example.seconds * 1000;
    const started = new Date(Math.round(startMs / 60_000) * 60_000).toISOString();
    expect(paragraph).toContain(
      `${started.slice(0, 10)} ${started.slice(11, 16)} UTC, ${Math.round(example.seconds)} s`,
    );
  });
});
