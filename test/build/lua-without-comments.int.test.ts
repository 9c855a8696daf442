import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CREATE_LUA } from '../../packages/results/src/lua/create-script';
import { TRANSITION_LUA } from '../../packages/results/src/lua/transition-script';
import { ROOT, stripLuaComments } from '../../scripts/build-functions';

// The functions build drops the Lua scripts' comment lines (build-functions.ts): what is left
// must be the same script, and nothing but Lua comments may go.
describe('Lua scripts without their comment lines (Lambda bundles)', () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  afterAll(() => redis.quit());

  it('drop only the comment lines, and still compile in Redis', async () => {
    for (const lua of [TRANSITION_LUA, CREATE_LUA]) {
      const stripped = stripLuaComments(lua);
      const code = (s: string) => s.split('\n').filter((l) => !/^\s*--/.test(l));
      expect(code(stripped)).toEqual(code(lua));
      expect(stripped).not.toMatch(/^\s*--/m);
      // SCRIPT LOAD compiles the script (a syntax error is refused) without running it.
      expect(await redis.script('LOAD', stripped)).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(stripLuaComments(TRANSITION_LUA).length).toBeLessThan(TRANSITION_LUA.length);
  });

  it('no TypeScript line of a lua/*-script.ts file starts with --', () => {
    const dir = join(ROOT, 'packages/results/src/lua');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('-script.ts'))) {
      const source = readFileSync(join(dir, f), 'utf8');
      // Outside the template literals (the Lua), a line starting with -- would be dropped too.
      const outsideLua = source.replace(/`[^`]*`/g, '``');
      expect(outsideLua, f).not.toMatch(/^[ \t]*--/m);
    }
  });
});
