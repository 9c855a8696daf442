import { defineConfig } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { applyEnv } from './load-config';

describe('applyEnv', () => {
  const base = defineConfig({ tasks: [] });
  it('adds WARREN_API_KEYS with task patterns', () => {
    const cfg = applyEnv(base, {
      WARREN_API_KEYS: 'k-0123456789abcdef:email.*|demo.add, k2-0123456789abcdef',
    });
    expect(cfg.auth.keys).toEqual([
      { key: 'k-0123456789abcdef', tasks: ['email.*', 'demo.add'] },
      { key: 'k2-0123456789abcdef' },
    ]);
  });
  it('keeps task patterns that contain ":" (task names may), splitting each entry at its first ":"', () => {
    const cfg = applyEnv(base, { WARREN_API_KEYS: 'k-0123456789abcdef:billing:*|reports:daily' });
    expect(cfg.auth.keys).toEqual([{ key: 'k-0123456789abcdef', tasks: ['billing:*', 'reports:daily'] }]);
  });
  // 'key:' + an unset variable: the key was meant to be limited and was given every task instead.
  it.each(['k-0123456789abcdef:', 'k-0123456789abcdef:email.*|', 'k-0123456789abcdef: | '])(
    'refuses %s, an empty task pattern, without echoing the key',
    (entry) => {
      const run = () => applyEnv(base, { WARREN_API_KEYS: `k0-0123456789abcdef, ${entry}` });
      expect(run).toThrow(
        "WARREN_API_KEYS: entry 2 has an empty task pattern after ':' (patterns are separated by |)",
      );
    },
  );
  it('trims each task pattern (" demo.add" matched no task)', () => {
    const cfg = applyEnv(base, { WARREN_API_KEYS: 'k-0123456789abcdef:email.* | demo.add' });
    expect(cfg.auth.keys).toEqual([{ key: 'k-0123456789abcdef', tasks: ['email.*', 'demo.add'] }]);
  });
  // Only the first of two equal keys was ever matched: 'K,K:a.*' let K enqueue every task, and a
  // config's unlimited K could not be limited by WARREN_API_KEYS. Which was meant is unknowable.
  it('refuses a key listed twice, in the variable or in it and the config, without printing it', () => {
    const k = 'dup-0123456789abcdef';
    const run = (c: typeof base, v: string) => () => applyEnv(c, { WARREN_API_KEYS: v });
    expect(run(base, `${k}, other-0123456789abcdef, ${k}:a.*`)).toThrow(
      'WARREN_API_KEYS: entry 3 repeats the key of entry 1 (one key, one task limit)',
    );
    const withKey = defineConfig({ tasks: [], auth: { keys: [{ key: k }] } });
    expect(run(withKey, `${k}:a.*`)).toThrow(
      'WARREN_API_KEYS: entry 1 repeats the key of auth.keys.0 in the config (one key, one task limit)',
    );
    expect(run(withKey, `${k}:a.*`)).not.toThrow(k);
  });
  // 'K : a.*' kept 'K ' (with its space) as the key, and a key with a space inside was taken: no
  // Authorization: Bearer header can carry either, so the client got 401 with the right key.
  it('trims the key before its ":", and refuses a key that a Bearer header cannot carry', () => {
    const cfg = applyEnv(base, { WARREN_API_KEYS: 'k-0123456789abcdef : email.*' });
    expect(cfg.auth.keys).toEqual([{ key: 'k-0123456789abcdef', tasks: ['email.*'] }]);
    expect(() => applyEnv(base, { WARREN_API_KEYS: 'inner space key 12345' })).toThrow(
      /WARREN_API_KEYS: .*printable ASCII, without whitespace/,
    );
  });
  it('refuses short keys from the environment as it does in config', () => {
    expect(() => applyEnv(base, { WARREN_API_KEYS: 'ab' })).toThrow(/WARREN_API_KEYS: .*16 characters/);
  });
  it('refuses a WARREN_REGIONS that is not a region list', () => {
    expect(() => applyEnv(base, { WARREN_REGIONS: '{' })).toThrow(/not JSON/);
    expect(() => applyEnv(base, { WARREN_REGIONS: '[{"id":"x"}]' })).toThrow(/WARREN_REGIONS/);
  });
  it('names the field path of a bad WARREN_REGIONS entry', () => {
    expect(() => applyEnv(base, { WARREN_REGIONS: '[{"id":"eu","location":{"lat":"x","lon":0}}]' })).toThrow(
      /WARREN_REGIONS: 0\.location\.lat: /,
    );
  });
  it('refuses a WARREN_REGION that is not a valid name (every job would be poison)', () => {
    expect(() => applyEnv(base, { WARREN_REGION: 'eu west!' })).toThrow(/WARREN_REGION: /);
  });
  const eu = { id: 'eu', location: { lat: 50, lon: 8 } };
  const us = { id: 'us', location: { lat: 40, lon: -75 } };
  it('refuses a WARREN_REGION that is not one of the regions', () => {
    const cfg = defineConfig({ tasks: [], region: 'eu', regions: [eu, us] });
    expect(() => applyEnv(cfg, { WARREN_REGION: 'ap' })).toThrow(
      /WARREN_REGION "ap" is not one of the regions \(eu, us\)/,
    );
    expect(applyEnv(cfg, { WARREN_REGION: 'us' }).region).toBe('us');
  });
  it('re-checks the config against a WARREN_REGIONS list', () => {
    const cfg = defineConfig({
      tasks: [],
      region: 'eu',
      regions: [eu],
      queues: { mail: { homeRegion: 'eu' } },
    });
    expect(() => applyEnv(cfg, { WARREN_REGIONS: JSON.stringify([eu, eu]) })).toThrow(
      /region eu is listed twice/,
    );
    expect(() => applyEnv(cfg, { WARREN_REGIONS: JSON.stringify([us]), WARREN_REGION: 'us' })).toThrow(
      /queues\.mail\.homeRegion "eu" is not a region/,
    );
    expect(() => applyEnv(cfg, { WARREN_REGIONS: JSON.stringify([us]) })).toThrow(
      /region "eu" is not one of/,
    );
  });
});
