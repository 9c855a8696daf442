import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBundlesFresh, staleBundles } from './bundle-freshness';

/**
 * A bundle is what `npm run build:functions` made from the config and task code of that moment;
 * the plan is made from them at deploy time. Deploying an older bundle under a newer plan would
 * size queues and timeouts for tasks the functions do not run as planned.
 */
const root = mkdtempSync(join(tmpdir(), 'warren-bundles-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const at = (s: number) => new Date(1_700_000_000_000 + s * 1000);
function built(name: string, inputs: string[], builtAtS: number) {
  mkdirSync(join(root, '.build/functions', name), { recursive: true });
  const manifest = join(root, '.build/functions', `${name}.inputs.json`);
  writeFileSync(manifest, JSON.stringify({ inputs }));
  utimesSync(manifest, at(builtAtS), at(builtAtS));
}
function source(file: string, changedAtS: number) {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), '//');
  utimesSync(join(root, file), at(changedAtS), at(changedAtS));
}

describe('staleBundles: the function bundles a plan deploys must be newer than their sources', () => {
  source('warren.config.ts', 10);
  source('tasks/mail.ts', 10);
  built('ingest', ['warren.config.ts', 'tasks/mail.ts'], 20);
  built('sqs-worker', ['warren.config.ts', 'tasks/mail.ts'], 20);

  it('fresh bundles pass', () => {
    expect(staleBundles(['.build/functions/ingest', '.build/functions/sqs-worker'], root)).toEqual([]);
  });

  it('a source changed since the build, a source gone, a bundle never built: each named', () => {
    source('tasks/mail.ts', 30);
    built('forward-drain', ['warren.config.ts', 'tasks/gone.ts'], 20);
    expect(
      staleBundles(
        [
          '.build/functions/ingest',
          '.build/functions/ingest', // several functions share a bundle: said once
          '.build/functions/forward-drain',
          '.build/functions/rmq-worker',
        ],
        root,
      ),
    ).toEqual([
      '.build/functions/ingest: tasks/mail.ts changed since it was built',
      '.build/functions/forward-drain: tasks/gone.ts is gone since it was built',
      '.build/functions/rmq-worker: not built',
    ]);
  });

  it('assertBundlesFresh refuses the deploy, naming the build step', () => {
    expect(() => assertBundlesFresh(['.build/functions/ingest'], root)).toThrow(
      /stale Lambda bundles \(run npm run build:functions, then deploy again\):\n {2}- \.build\/functions\/ingest: tasks\/mail\.ts changed/,
    );
  });
});
