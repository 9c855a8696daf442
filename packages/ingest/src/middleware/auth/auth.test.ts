import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { problemHandler } from '../problem/problem';
import { assertAuthConfigured, bearerAuth, keyAllowsTask, taskPatternMatches } from './auth';

const keys = [
  { key: 'k'.repeat(32), name: 'all' },
  { key: 'e'.repeat(32), name: 'emails', tasks: ['email.*', 'demo.echo'] },
];

function app() {
  const a = new Hono();
  a.onError(problemHandler());
  a.use('*', bearerAuth(keys));
  a.get('/', (c) => c.json({ key: c.get('apiKey')?.name ?? null }));
  return a;
}

describe('bearerAuth', () => {
  it('accepts each configured key and names it', async () => {
    for (const k of keys) {
      const res = await app().request('/', { headers: { authorization: `Bearer ${k.key}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ key: k.name });
    }
  });
  it('answers 401 problem+json with WWW-Authenticate: Bearer for missing, malformed and wrong keys', async () => {
    for (const authorization of [
      undefined,
      'Basic abc',
      'Bearer',
      `Bearer ${'k'.repeat(31)}`,
      `Bearer ${'k'.repeat(33)}`,
    ]) {
      const res = await app().request('/', { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      // RFC 9110 15.5.2: a 401 MUST say which scheme it wants.
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="warren"/);
    }
  });
  it('400 naming Authorization for two credentials (the header sent twice); a key with a comma still works', async () => {
    const twice = await app().request('/', {
      headers: { authorization: `Bearer ${'k'.repeat(32)}, Bearer ${'e'.repeat(32)}` },
    });
    expect(twice.status).toBe(400);
    expect((await twice.json()).errors).toEqual([{ path: 'Authorization', message: expect.any(String) }]);
    // A key from the config file may hold a comma (WARREN_API_KEYS' cannot): one credential.
    const a = new Hono();
    a.onError(problemHandler());
    a.use('*', bearerAuth([{ key: 'comma,in-the-key-0123456789' }, { key: 'semi;colon-in-the-key-0123' }]));
    a.get('/', (c) => c.text('ok'));
    for (const key of ['comma,in-the-key-0123456789', 'semi;colon-in-the-key-0123']) {
      const res = await a.request('/', { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
    }
  });
  it('runs open with no keys configured', async () => {
    const a = new Hono();
    a.use('*', bearerAuth([]));
    a.get('/', (c) => c.text('ok'));
    expect((await a.request('/')).status).toBe(200);
  });
});

describe('task patterns', () => {
  it('matches * as a wildcard and everything else literally', () => {
    expect(taskPatternMatches('email.*', 'email.send')).toBe(true);
    expect(taskPatternMatches('email.*', 'emailXsend')).toBe(false);
    expect(taskPatternMatches('demo.echo', 'demo.echo')).toBe(true);
    expect(taskPatternMatches('demo.echo', 'demo.echoes')).toBe(false);
    expect(keyAllowsTask(keys[1], 'demo.add')).toBe(false);
    expect(keyAllowsTask(keys[0], 'anything')).toBe(true);
    expect(keyAllowsTask(undefined, 'anything')).toBe(true);
  });
  // As a regex (each * a .*), a pattern with several stars backtracked exponentially on a name
  // that almost matches: 2.3 s of CPU per request on the real ingest ('a*.*.*.*.*.z', 128
  // characters), every other request stalled meanwhile; 'a*a*a*a*a*a*b' took 48 s.
  it('matches in linear time, whatever the stars', () => {
    const t0 = performance.now();
    expect(taskPatternMatches('a*.*.*.*.*.z', `a${'.'.repeat(126)}x`)).toBe(false);
    expect(taskPatternMatches('*.*.*.*.*.z', `${'.'.repeat(127)}x`)).toBe(false);
    expect(taskPatternMatches('a*a*a*a*a*a*b', `${'a'.repeat(127)}c`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(taskPatternMatches('a*a*a*a*a*a*b', `${'a'.repeat(127)}b`)).toBe(true);
    for (const [p, t, m] of [
      ['*', '', true],
      ['**', 'x', true],
      ['a*', 'a', true],
      ['*a', 'ba', true],
      ['*a', 'ab', false],
      ['a*b*c', 'aXbYbc', true],
      ['a*b*c', 'aXbYc', true],
      ['a*b*c', 'acb', false],
      ['', '', true],
      ['', 'a', false],
    ] as const)
      expect(taskPatternMatches(p, t), `${p} ~ ${t}`).toBe(m);
  });
  it('refuses to start production entry points without keys', () => {
    expect(() => assertAuthConfigured([], 'lambda ingest')).toThrow(/refusing to start/);
    expect(() => assertAuthConfigured(keys, 'lambda ingest')).not.toThrow();
  });
});
