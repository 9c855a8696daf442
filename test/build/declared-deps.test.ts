import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// biome's noUndeclaredDependencies does this, but enabling it made every biome check index the
// whole project (4.5 min for 10 files), so the rule lives here, with TypeScript's parser.
const root = join(import.meta.dirname, '../..');
const builtins = new Set(builtinModules);

/** Runtime imports (type-only ones are erased) of a module, as written. */
function runtimeImports(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && !n.importClause?.isTypeOnly) {
      out.push((n.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && !n.isTypeOnly) {
      out.push((n.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] &&
      ts.isStringLiteral(n.arguments[0])
    ) {
      out.push(n.arguments[0].text);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !/[/\\]testing[/\\]|testing-helpers\.ts$/.test(f));
}

describe('each package declares what its sources import', () => {
  for (const pkg of readdirSync(join(root, 'packages'))) {
    it(pkg, () => {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));
      const declared = new Set([
        manifest.name,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...Object.keys(manifest.optionalDependencies ?? {}),
      ]);
      const missing: string[] = [];
      for (const file of sources(join(root, 'packages', pkg, 'src'))) {
        for (const spec of runtimeImports(file)) {
          if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
          if (!declared.has(packageName(spec))) missing.push(`${file.slice(root.length + 1)}: ${spec}`);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
