import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sizes } from '../peers/pipeline';

const BENCH = resolve(import.meta.dirname, '..');
const readme = readFileSync(resolve(BENCH, 'README.md'), 'utf8');
const section = (title: string) => {
  const at = readme.indexOf(`\n## ${title}\n`);
  expect(at, `README has "## ${title}"`).toBeGreaterThan(0);
  return readme.slice(at, readme.indexOf('\n## ', at + 1));
};
/** The cells of the table row whose first cell is `first`. */
const row = (text: string, first: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(`| ${first} `))
    ?.split('|')
    .slice(2, -1)
    .map((c) => c.trim());

describe('bench README', () => {
  it('describes every suite `npm run bench` runs (one file per suite in bench/suites)', () => {
    const table = section('The suites');
    const ids = readdirSync(resolve(BENCH, 'suites'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3));
    expect(ids).toContain('e2e-throughput');
    expect(ids.filter((id) => !row(table, `\`${id}\``))).toEqual([]);
  });

  it("states the peer suites' sizes the code uses, full and quick", () => {
    const table = section('Sizes and budget');
    const n = (v: number) => v.toLocaleString('en-US');
    const [full, quick] = [sizes(false), sizes(true)];
    expect(row(table, 'e2e-throughput N')?.[1]).toBe(n(quick.throughputN));
    expect(row(table, 'e2e-throughput N')?.[0]).toMatch(new RegExp(`^${n(full.throughputN)} `));
    const rate = (s: typeof full) => `${s.latencyRate} jobs/s × ${s.latencyMs / 1000} s`;
    expect(row(table, 'e2e-latency')).toEqual([rate(full), rate(quick)]);
    // Celery enqueues a tenth (bench/peers/celery.ts): it runs ~1k/s.
    const enqueue = (s: typeof full) => `${n(s.enqueueN)} (Celery ${n(s.enqueueN / 10)})`;
    expect(row(table, 'enqueue-rate N')).toEqual([enqueue(full), enqueue(quick)]);
  });
});
