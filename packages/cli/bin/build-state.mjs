// Whether the plain-JS build in .build/node/ (`npm run build`, run by `npm install`) can serve
// `@warren/*`: it must be at least as new as every source it was built from. Only reads files;
// register-build.mjs and warren.js decide what to do with the answer.
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const root = new URL('../../../', import.meta.url);
/** The build folder: .build/node/, or WARREN_BUILD_DIR (tests build elsewhere). */
export const buildDir = process.env.WARREN_BUILD_DIR
  ? pathToFileURL(`${process.env.WARREN_BUILD_DIR.replace(/\/$/, '')}/`)
  : new URL('.build/node/', root);

/** `{ exports }` (specifier → file URL) when the build can be used, else `{ reason }`. */
export function buildState() {
  let manifest;
  let builtAt;
  try {
    builtAt = statSync(new URL('manifest.json', buildDir)).mtimeMs;
    manifest = JSON.parse(readFileSync(new URL('manifest.json', buildDir), 'utf8'));
  } catch {
    return { reason: 'no build in .build/node (npm run build)' };
  }
  for (const file of manifest.inputs) {
    let mtime;
    try {
      mtime = statSync(new URL(file, root)).mtimeMs;
    } catch {
      return { reason: `${file} is gone since the build` };
    }
    if (mtime > builtAt) return { reason: `${file} changed since the build` };
  }
  const exports = Object.fromEntries(
    Object.entries(manifest.exports).map(([spec, file]) => [spec, new URL(file, buildDir).href]),
  );
  return { exports };
}
