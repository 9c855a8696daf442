import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildFunction, ROOT } from '../../scripts/build-functions';
import { exportedNames, NOT_BUNDLED } from '../../scripts/zod-without-json-schema';

// Inside the repo, so the entries resolve zod from its node_modules (.build is git-ignored).
mkdirSync(join(ROOT, '.build'), { recursive: true });
const dir = mkdtempSync(join(ROOT, '.build/test-zod-json-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = z.object({ a: z.string(), n: z.number().int().default(1) });
const SCHEMA = 'z.object({ a: z.string(), n: z.number().int().default(1) })';
// What both bundles do with the schema besides converting it: parse, refuse, Standard Schema.
const USE = `
  const s = ${SCHEMA};
  const ok = s.parse({ a: 'x' });
  const bad = s.safeParse({ n: 1.5 }).error.issues.map((i) => i.message);
  const std = await s['~standard'].validate({ a: 'y' });
  const attempt = (f) => { try { return f(); } catch (e) { return 'threw: ' + e.message; } };`;

/** Bundles `code` as a Lambda entry (the functions' build) and runs it; its stdout's last line as JSON. */
async function bundleAndRun(name: string, code: string) {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, `import * as z from 'zod';\n${code}\nconsole.log(JSON.stringify(out));\n`);
  const built = await buildFunction(entry, join(dir, 'out'));
  const { stdout } = await promisify(execFile)(process.execPath, [built.file], { cwd: dir, timeout: 30_000 });
  const text = built.outputs.map((o) => readFileSync(join(dir, 'out', name, o.path), 'utf8')).join('\n');
  return { built, text, out: JSON.parse(stdout.trim().split('\n').pop()!) };
}

describe("Lambda bundles: zod's JSON Schema conversion only where code mentions it", () => {
  it('a bundle whose code never converts a schema leaves it out, and parses, refuses and validates as zod does', async () => {
    const { built, text, out } = await bundleAndRun(
      'no-conversion',
      `${USE}
      // A conversion hidden from the source scan (a computed name): what a bundle without it does.
      const hidden = ['to', 'JSON', 'Schema'].join('');
      const out = { ok, bad, std, converted: attempt(() => s[hidden]()), standard: attempt(() => s['~standard'][hidden.slice(2, 6).toLowerCase() + 'Schema'].input()) };`,
    );
    expect(built.jsonSchemaKeptFor).toBeUndefined();
    expect(text).not.toContain('draft-2020-12'); // zod's conversion code names its default target
    expect(out.ok).toEqual(schema.parse({ a: 'x' }));
    expect(out.bad).toEqual(schema.safeParse({ n: 1.5 }).error!.issues.map((i) => i.message));
    expect(out.std).toEqual(JSON.parse(JSON.stringify(await schema['~standard'].validate({ a: 'y' }))));
    expect(out.converted).toBe(`threw: ${NOT_BUNDLED}`);
    expect(out.standard).toBe(`threw: ${NOT_BUNDLED}`);
  }, 60_000);

  it('a bundle whose code converts a schema keeps it, with the same JSON Schema as zod gives', async () => {
    const { built, text, out } = await bundleAndRun(
      'converts',
      `${USE}
      const out = { ok, bad, std, converted: attempt(() => z.toJSONSchema(s)), method: attempt(() => s.toJSONSchema({ io: 'input' })) };`,
    );
    expect(built.jsonSchemaKeptFor).toBe(relative(ROOT, join(dir, 'converts.ts')));
    expect(text).toContain('draft-2020-12');
    expect(text).not.toContain(NOT_BUNDLED);
    expect(out.converted).toEqual(z.toJSONSchema(schema));
    expect(out.method).toEqual(schema.toJSONSchema({ io: 'input' }));
    expect(out.ok).toEqual(schema.parse({ a: 'x' }));
  }, 60_000);

  it("the stand-ins export every name zod's two JSON Schema modules export", async () => {
    for (const file of ['to-json-schema.js', 'json-schema-processors.js']) {
      const path = join(ROOT, 'node_modules/zod/v4/core', file);
      const real = Object.keys(await import(pathToFileURL(path).href)).sort();
      expect(exportedNames(readFileSync(path, 'utf8')).sort(), file).toEqual(real);
    }
  });
});
