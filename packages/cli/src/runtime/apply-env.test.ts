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
  it('refuses short keys from the environment as it does in config', () => {
    expect(() => applyEnv(base, { WARREN_API_KEYS: 'ab' })).toThrow(/WARREN_API_KEYS: .*16 characters/);
  });
  it('refuses a WARREN_REGIONS that is not a region list', () => {
    expect(() => applyEnv(base, { WARREN_REGIONS: '{' })).toThrow(/not JSON/);
    expect(() => applyEnv(base, { WARREN_REGIONS: '[{"id":"x"}]' })).toThrow(/WARREN_REGIONS/);
  });
});
