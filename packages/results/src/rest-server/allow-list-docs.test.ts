import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_COMMANDS } from './allow-list';

/** The README's "Supported commands" list, one word per command (`script load|exists` is SCRIPT). */
function documented(): Set<string> {
  const text = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const list = text.slice(text.indexOf('Supported commands'), text.indexOf('Not supported, on purpose'));
  const names = new Set<string>();
  for (const line of list.split('\n').filter((l) => l.startsWith('- '))) {
    const words = line.slice(line.indexOf(':') + 1).replace('`script load|exists`', 'script');
    for (const w of words.trim().split(/\s+/)) names.add(w);
  }
  return names;
}

describe('results README: the local Upstash-REST endpoint', () => {
  it('lists exactly the commands it forwards', () => {
    const docs = documented();
    expect(docs.size).toBeGreaterThan(50); // the list was found at all
    expect([...ALLOWED_COMMANDS].filter((c) => !docs.has(c))).toEqual([]);
    expect([...docs].filter((c) => !ALLOWED_COMMANDS.has(c))).toEqual([]);
  });
});
