import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
// Inside the repo, so `@warren/*` and zod resolve as they do for a user's own file.
const DIR = join(ROOT, '.tmp', `readme-snippet-${process.pid}`);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

// What the snippet leaves to the reader's own code.
const PRELUDE = `import type { Publisher, ResultStore } from '@warren/core';
declare const apiKey: string;
declare const publishers: ReadonlyMap<string, Publisher>;
declare const results: ResultStore;
`;

/** The README's first TypeScript block under "Tasks, config and the SDK". */
function snippet(): string {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf('```ts\n', readme.indexOf('### Tasks, config and the SDK')) + 6;
  return readme.slice(from, readme.indexOf('\n```', from));
}

describe('README SDK snippet', () => {
  it('type-checks as written, imports included', () => {
    mkdirSync(DIR, { recursive: true });
    const file = join(DIR, 'snippet.ts');
    // The handler's unused parameters only show where a task's code goes.
    writeFileSync(file, `${PRELUDE}${snippet()}\nexport { done, answers, direct };\n`);
    const base = ts.getParsedCommandLineOfConfigFile(
      resolve(ROOT, 'tsconfig.node.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    )!;
    const { declarationDir: _d, emitDeclarationOnly: _e, ...rest } = base.options;
    const options = { ...rest, noEmit: true, composite: false, declaration: false, incremental: false };
    const program = ts.createProgram([file], options);
    const source = program.getSourceFile(file)!;
    // This file's diagnostics only: checking every package it imports would take ~25 s here.
    const errors = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ].map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `line ${at - PRELUDE.split('\n').length + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    expect(errors).toEqual([]);
  }, 60_000);
});
