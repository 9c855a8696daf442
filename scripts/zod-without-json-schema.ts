/**
 * zod's JSON Schema conversion (`toJSONSchema`, `schema['~standard'].jsonSchema`) is ~20 KB of a
 * Lambda bundle, and every bundle that uses zod carries it: zod's classic schemas link their
 * JSON Schema processor in each schema's constructor, so no tree shaking can drop it, however the
 * code imports zod. A worker never converts a schema (only the ingest's /openapi.json does).
 *
 * This plugin replaces zod's two JSON Schema modules with stand-ins exporting the same names that
 * throw if called, so a bundle still parses, validates and reads `~standard` as before, and only
 * a conversion fails, saying why. It is applied only to a bundle none of whose code, zod's aside,
 * mentions JSON Schema (`jsonSchemaUser`): any caller (`z.toJSONSchema`, `.toJSONSchema()`, a
 * library reading `~standard.jsonSchema`) names it in its source, as property names survive
 * minifying, and such a bundle is built again with the real modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';

const JSON_SCHEMA_MODULES =
  /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/](to-json-schema|json-schema-processors)\.js$/;
const ZOD_FILE = /(^|[\\/])node_modules[\\/]zod[\\/]/;
export const NOT_BUNDLED =
  "zod's JSON Schema conversion is left out of this Lambda bundle, whose code never calls it (scripts/zod-without-json-schema.ts)";

/** The names a module exports: `export function|const|let|class x` and `export { a as b }`. */
export function exportedNames(source: string): string[] {
  const names = [
    ...source.matchAll(/^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([\w$]+)/gm),
  ].map((m) => m[1]!);
  for (const m of source.matchAll(/^export\s*\{([^}]*)\}\s*;?\s*$/gm))
    for (const part of m[1]!.split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  return [...new Set(names)];
}

/**
 * A stand-in with the module's own export names (a name it missed is a build error, not a silent
 * gap): each throws NOT_BUNDLED when called, except the `create...Method` factories, which zod calls
 * when `~standard` is read and which return such a function.
 */
export function standIn(source: string): string {
  const lines = [`const refuse = () => { throw new Error(${JSON.stringify(NOT_BUNDLED)}); };`];
  for (const name of exportedNames(source))
    lines.push(`export const ${name} = ${/^create\w*Method$/.test(name) ? '() => refuse' : 'refuse'};`);
  return `${lines.join('\n')}\n`;
}

export const zodWithoutJsonSchema: Plugin = {
  name: 'zod-without-json-schema',
  setup(b) {
    b.onLoad({ filter: JSON_SCHEMA_MODULES }, (args) => ({
      contents: standIn(readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

/** The first bundled file, zod's own aside, whose source mentions JSON Schema; undefined if none. */
export function jsonSchemaUser(inputs: string[], root: string): string | undefined {
  return inputs.find((i) => {
    if (ZOD_FILE.test(i)) return false;
    const file = join(root, i);
    return existsSync(file) && /jsonschema/i.test(readFileSync(file, 'utf8'));
  });
}
