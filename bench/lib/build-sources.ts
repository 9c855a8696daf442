import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The bench runs `@warren/*` from the esbuild output (`.build/node/`), where the code of many
 * packages shares hashed chunk files: a profile frame in `chunks/chunk-LMZW3BZD.mjs` says nothing.
 * esbuild (without minify) heads each module's code with a `// packages/<pkg>/src/<file>.ts`
 * comment, so a frame's line number finds the source file it came from. No source maps needed.
 */
const MARKER = /^\/\/ (packages\/[\w.-]+\/src\/[\w./-]+\.ts)$/;
const cache = new Map<string, { line: number; source: string }[]>();

function markers(url: string): { line: number; source: string }[] {
  let found = cache.get(url);
  if (found) return found;
  found = [];
  try {
    const lines = readFileSync(fileURLToPath(url), 'utf8').split('\n');
    lines.forEach((text, line) => {
      const m = MARKER.exec(text);
      if (m) found!.push({ line, source: m[1]! });
    });
  } catch {
    // Not a readable file (node: internals, an evaluated script): no sources.
  }
  cache.set(url, found);
  return found;
}

/** `packages/<pkg>/src/<file>.ts` for a frame in the build output (0-based line), else undefined. */
export function buildSourceOf(url: string, line: number): string | undefined {
  if (!url.startsWith('file://') || !url.includes('/.build/node/')) return undefined;
  let source: string | undefined;
  for (const m of markers(url)) {
    if (m.line > line) break;
    source = m.source;
  }
  return source;
}
