import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const SRC = resolve(import.meta.dirname);
// Conventions every CLI honours; FX_* only name test fixtures' queues.
const NOT_OURS = new Set(['NO_COLOR']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every environment variable the CLI reads: env.X, and commander's .env('X') / portOption(..., 'X'). */
function variablesRead(): string[] {
  const names = new Set<string>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]!);
    for (const m of text.matchAll(/\.env\('([A-Z][A-Z0-9_]+)'\)/g)) names.add(m[1]!);
    for (const m of text.matchAll(/portOption\([^)]*'([A-Z][A-Z0-9_]+)'/g)) names.add(m[1]!);
  }
  return [...names].filter((n) => !NOT_OURS.has(n)).sort();
}

describe('README environment table', () => {
  it('documents every variable the CLI reads', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Environment'), readme.indexOf('## Benchmarks'));
    const read = variablesRead();
    expect(read).toContain('RABBITMQ_URL'); // the scan finds them at all
    expect(read.filter((v) => !table.includes(`\`${v}\``))).toEqual([]);
  });
});
