import { expect, it } from 'vitest';
import { CAPPED_LONG_POLLS, maxLongPolls } from './max-long-polls';

it('defaults to 4 where the runtime caps connections at 6: a page, a browser worker, a Cloudflare Worker', () => {
  const chrome =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
  expect(CAPPED_LONG_POLLS).toBe(4);
  expect(maxLongPolls(undefined, { document: {}, navigator: { userAgent: chrome } })).toBe(4);
  expect(maxLongPolls(undefined, { navigator: { userAgent: chrome } })).toBe(4); // a web or service worker
  expect(maxLongPolls(undefined, { navigator: { userAgent: 'Cloudflare-Workers' } })).toBe(4);
});

it('is unlimited on Node, Deno and Bun, and in this test process', () => {
  for (const userAgent of ['Node.js/22', 'Deno/2.1.4', 'Bun/1.1.38'])
    expect(maxLongPolls(undefined, { navigator: { userAgent } })).toBe(Number.POSITIVE_INFINITY);
  expect(maxLongPolls(undefined, {})).toBe(Number.POSITIVE_INFINITY); // Node 20: no navigator
  expect(maxLongPolls(undefined)).toBe(Number.POSITIVE_INFINITY);
});

it('takes a value set explicitly, refusing what is not a whole number >= 0 or Infinity', () => {
  expect(maxLongPolls(8, { document: {} })).toBe(8);
  expect(maxLongPolls(Number.POSITIVE_INFINITY, { document: {} })).toBe(Number.POSITIVE_INFINITY);
  expect(maxLongPolls(0, {})).toBe(0);
  for (const bad of [-1, 1.5, Number.NaN, '4', null])
    expect(() => maxLongPolls(bad, {})).toThrow(/^maxLongPolls must be a whole number >= 0 or Infinity/);
});
