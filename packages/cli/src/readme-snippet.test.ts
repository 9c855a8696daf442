import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const ROOT = resolve(import.meta.dirname, '../../..');
// Inside the repo, so `@warren/*` and zod resolve as they do for a user's own file.
const DIR = join(ROOT, '.tmp', `readme-snippet-${FILE_ID}`);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

interface Snippet {
  /** The README, from the repo root. */
  readme: string;
  /** The heading the TypeScript block follows (the first block after it). */
  after: string;
  /** What the snippet leaves to the reader's own code: imports and declared values. */
  prelude: string;
  /** Appended: what keeps its unused values used. */
  tail: string;
}

const SNIPPETS: Snippet[] = [
  {
    readme: 'README.md',
    after: '### Tasks, config and the SDK',
    prelude: `import type { Publisher, ResultStore } from '@warren/core';
declare const apiKey: string;
declare const publishers: ReadonlyMap<string, Publisher>;
declare const results: ResultStore;
`,
    tail: 'export { done, answers, direct };',
  },
  {
    readme: 'packages/amqp/README.md',
    after: '# @warren/amqp',
    prelude: `import { createAmqpBroker } from '@warren/amqp';
import type { JobEnvelope, WarrenConfig } from '@warren/core';
declare const config: WarrenConfig;
declare const job: JobEnvelope;
`,
    tail: 'export {};',
  },
  {
    readme: 'packages/observability/README.md',
    after: '# @warren/observability',
    prelude: `import type { AmqpBroker } from '@warren/amqp';
import { type Consumer, createProducer, type Publisher, type ResultStore, type WarrenConfig } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { createObservability, queueStatsFrom, serveStatus } from '@warren/observability';
import { createWorker } from '@warren/worker';
declare const config: WarrenConfig;
declare const broker: AmqpBroker;
declare const store: ResultStore;
declare const publishers: ReadonlyMap<string, Publisher>;
declare const consumer: Consumer;
`,
    // The snippet's last line, a comment, names this call.
    tail: 'await serveStatus(obs, 9464);\nexport { app, worker };',
  },
  {
    readme: 'docs/deploy.md',
    after: '## Config settings for the deploy',
    prelude: `import { type AnyTask, defineConfig } from '@warren/core';
declare const tasks: AnyTask[];
`,
    tail: '',
  },
];

/** Where the snippet's block opens (its ```ts line) in its README. */
function blockStart({ readme, after }: Snippet): number {
  const text = readFileSync(resolve(ROOT, readme), 'utf8');
  const at = text.indexOf(after);
  expect(at, `${readme} has "${after}"`).toBeGreaterThanOrEqual(0);
  return text.indexOf('```ts\n', at);
}

function block(s: Snippet): string {
  const text = readFileSync(resolve(ROOT, s.readme), 'utf8');
  const from = blockStart(s) + 6;
  return text.slice(from, text.indexOf('\n```', from));
}

/** Every Markdown file a user reads for warren (the READMEs and docs/), from the repo root. */
function docFiles(): string[] {
  const under = (dir: string, pick: (name: string) => boolean) =>
    readdirSync(resolve(ROOT, dir), { withFileTypes: true })
      .filter((e) => pick(e.name))
      .map((e) => join(dir, e.name));
  const packages = readdirSync(resolve(ROOT, 'packages')).map((p) => join('packages', p, 'README.md'));
  return [
    'README.md',
    'bench/README.md',
    'examples/python/README.md',
    ...packages,
    ...under('docs', (n) => n.endsWith('.md')),
  ].filter((f) => existsSync(resolve(ROOT, f)));
}

describe('README TypeScript snippets', () => {
  it('cover every TypeScript block of the docs (a new one is added to SNIPPETS)', () => {
    const checked = new Set(SNIPPETS.map((s) => `${s.readme} @ ${blockStart(s)}`));
    const blocks = docFiles().flatMap((readme) => {
      const text = readFileSync(resolve(ROOT, readme), 'utf8');
      return [...text.matchAll(/^```(?:ts|typescript)\n/gm)].map((m) => `${readme} @ ${m.index}`);
    });
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.filter((b) => !checked.has(b))).toEqual([]);
  });

  it('type-check as written, imports included (the root SDK snippet, @warren/amqp, @warren/observability, the deploy settings)', () => {
    mkdirSync(DIR, { recursive: true });
    const files = SNIPPETS.map((s, i) => {
      const file = join(DIR, `snippet-${i}.ts`);
      writeFileSync(file, `${s.prelude}${block(s)}\n${s.tail}\n`);
      return file;
    });
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
    // One program for all of them: most of the time goes to loading the packages they import.
    const program = ts.createProgram(files, options);
    const errors = files.flatMap((file, i) => {
      const source = program.getSourceFile(file)!;
      const preludeLines = SNIPPETS[i]!.prelude.split('\n').length - 1;
      // These files' diagnostics only: checking every package they import would take ~25 s here.
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
        (d) => {
          const at =
            d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
          return `${SNIPPETS[i]!.readme} snippet line ${at - preludeLines}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
        },
      );
    });
    expect(errors).toEqual([]);
  }, 60_000);
});
