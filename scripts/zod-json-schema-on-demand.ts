/**
 * For a Lambda bundle whose code converts zod schemas to JSON Schema only on some paths (the
 * ingest, for /openapi.json, loaded with import()): zod's ~20 KB of conversion code loads with the
 * files that convert, not at import. zod's classic schemas import its two conversion modules
 * statically (zod-without-json-schema.ts), so the plugin points zod's own imports of them at shims
 * (scripts/zod-json-schema/*.mjs, generated here on load) exporting the same names, which forward
 * to the real modules once loaded; each file that converts (`users`) first imports
 * scripts/zod-json-schema/register.mjs, which loads the real modules and hands them to the shims.
 * ESM runs a module's imports before its body, so a user never converts before they are there.
 * Left: a conversion through a computed property name (which the source scan cannot see) before
 * any user's chunk has loaded throws NOT_BUNDLED, as it does in a bundle without them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { NOT_BUNDLED } from './zod-without-json-schema';

const JSON_SCHEMA_MODULES =
  /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/](to-json-schema|json-schema-processors)\.js$/;
const ZOD_FILE = /(^|[\\/])node_modules[\\/]zod[\\/]/;
export const SHIM_DIR = join(dirname(fileURLToPath(import.meta.url)), 'zod-json-schema');
const REGISTER = join(SHIM_DIR, 'register.mjs');
const HOLDER = join(SHIM_DIR, 'holder.mjs');

/**
 * The shim of a real module (`slot`: its name in holder.mjs). Each function forwards to the real
 * one once loaded, else throws NOT_BUNDLED; the `create...Method` factories, which zod calls when
 * `~standard` is read, return such a function without looking yet; objects (the processor table)
 * are read through. Names and kinds come from the real module itself, so none is missed.
 */
export async function shimSource(realPath: string, slot: string): Promise<string> {
  const real: Record<string, unknown> = await import(pathToFileURL(realPath).href);
  const out = [
    `import { loaded } from ${JSON.stringify(HOLDER)};`,
    `const m = () => loaded[${JSON.stringify(slot)}] ?? (() => { throw new Error(${JSON.stringify(NOT_BUNDLED)}); })();`,
    // Unnamed on purpose: keepNames would wrap each named closure in a __name call.
    'const fn = (k) => function (...a) { return new.target ? Reflect.construct(m()[k], a, new.target) : m()[k].apply(this, a); };',
    'const factory = (k) => (...a) => (...b) => m()[k](...a)(...b);',
    'const table = (k) => new Proxy({}, { get: (_, p) => m()[k][p], has: (_, p) => p in m()[k], ownKeys: () => Reflect.ownKeys(m()[k]), getOwnPropertyDescriptor: (_, p) => { const d = Reflect.getOwnPropertyDescriptor(m()[k], p); return d && { ...d, configurable: true }; } });',
  ];
  for (const [name, value] of Object.entries(real)) {
    const kind = /^create\w*Method$/.test(name)
      ? 'factory'
      : typeof value === 'function'
        ? 'fn'
        : value && typeof value === 'object'
          ? 'table'
          : undefined;
    if (!kind) throw new Error(`${realPath} exports ${name} (a ${typeof value}), which no shim forwards`);
    out.push(`export const ${name} = ${kind}(${JSON.stringify(name)});`);
  }
  return `${out.join('\n')}\n`;
}

const LOADERS: Record<string, 'ts' | 'tsx'> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx' };
const loaderOf = (file: string) => LOADERS[/\.[cm]?tsx?$/.exec(file)?.[0] ?? ''];

/**
 * Whether `users` (absolute paths) can load the real modules themselves: our own TypeScript only
 * (an import is put before the source, which a library's CommonJS file would not take).
 */
export const onDemandFor = (users: string[]): boolean =>
  users.length > 0 && users.every((u) => !u.includes('node_modules') && loaderOf(u) !== undefined);

/** The plugin, for `users` (absolute paths) that pass onDemandFor. */
export function zodJsonSchemaOnDemand(users: string[]): Plugin {
  const isUser = new Set(users);
  return {
    name: 'zod-json-schema-on-demand',
    setup(b) {
      b.onResolve({ filter: /(^|\/)(to-json-schema|json-schema-processors)\.js$/ }, (args) => {
        // Only zod's own imports: the real modules import each other, and register.mjs them.
        if (!ZOD_FILE.test(args.importer) || JSON_SCHEMA_MODULES.test(args.importer)) return undefined;
        const real = resolve(args.resolveDir, args.path);
        const slot = JSON_SCHEMA_MODULES.exec(real)?.[1];
        return slot ? { path: join(SHIM_DIR, `${slot}.mjs`), pluginData: { real, slot } } : undefined;
      });
      b.onLoad(
        { filter: /[\\/]zod-json-schema[\\/](to-json-schema|json-schema-processors)\.mjs$/ },
        async (args) => {
          const { real, slot } = args.pluginData as { real: string; slot: string };
          return { contents: await shimSource(real, slot), loader: 'js', resolveDir: SHIM_DIR };
        },
      );
      b.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) =>
        isUser.has(args.path)
          ? {
              contents: `import ${JSON.stringify(REGISTER)};\n${readFileSync(args.path, 'utf8')}`,
              loader: loaderOf(args.path),
            }
          : undefined,
      );
    },
  };
}
