import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from './json-depth';

const nest = (n: number, open = '[', close = ']') => open.repeat(n) + close.repeat(n);

describe('jsonDepthExceeds', () => {
  it('counts arrays and objects alike, up to the limit', () => {
    expect(jsonDepthExceeds(nest(10), 10)).toBe(false);
    expect(jsonDepthExceeds(nest(11), 10)).toBe(true);
    expect(jsonDepthExceeds(`${'{"a":'.repeat(11)}1${'}'.repeat(11)}`, 10)).toBe(true);
    expect(jsonDepthExceeds(`[${'[1],'.repeat(50)}[1]]`, 10)).toBe(false); // wide, not deep
  });
  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ s: '['.repeat(100) }), 10)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ s: `\\"${'{'.repeat(100)}` }), 10)).toBe(false);
    expect(jsonDepthExceeds(`["\\\\",${nest(11)}]`, 10)).toBe(true); // an escaped backslash ends the string
  });
});
