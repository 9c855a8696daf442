import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildFunction, FUNCTIONS_SRC, ROOT } from '../../scripts/build-functions';
import { ENV } from '../../stacks/functions/shared/deploy-env';
import type { FunctionEntry, FunctionPlan } from '../../stacks/plan';
import { planDeployment } from '../../stacks/plan';

/*
 * Every environment variable the plan sets on a function is read by the code bundled into that
 * function. Minified bundles keep `ENV.x` as a property access on the shared ENV object, which
 * holds every name, so the check reads the bundle's source inputs (esbuild's metafile: exactly
 * what was bundled), comments and the ENV definition itself left out.
 */
const ENTRIES: FunctionEntry[] = ['ingest', 'sqs-worker', 'rmq-worker', 'forward-drain'];
const out = mkdtempSync(join(tmpdir(), 'warren-env-'));
const sources = new Map<FunctionEntry, string>();

const keyOf = new Map(Object.entries(ENV).map(([k, v]) => [v as string, k]));
const stripComments = (s: string) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
const withoutEnvDefinition = (s: string) => s.replace(/export const ENV = \{[\s\S]*?\} as const;/, '');

beforeAll(async () => {
  for (const entry of ENTRIES) {
    const built = await buildFunction(join(FUNCTIONS_SRC, `${entry}.ts`), out);
    const inputs = new Set(built.outputs.flatMap((o) => o.inputs));
    const text = [...inputs].map((p) =>
      withoutEnvDefinition(stripComments(readFileSync(join(ROOT, p), 'utf8'))),
    );
    sources.set(entry, text.join('\n'));
  }
}, 180_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Whether the bundled code names the variable: through ENV, as a string, or as `env.NAME`. */
function reads(code: string, name: string): boolean {
  const key = keyOf.get(name);
  if (key && new RegExp(`\\bENV\\.${key}\\b`).test(code)) return true;
  return new RegExp(`['"\`.]${name}\\b`).test(code);
}

// Every kind of function: an SQS worker, an Amazon MQ trigger worker, a drain with AMQP and SQS links.
const plan = planDeployment(
  defineConfig({
    regions: [
      { id: 'eu-west-1', location: { lat: 53.3, lon: -6.3 }, amazonMq: {} },
      { id: 'us-east-1', location: { lat: 38.9, lon: -77 }, brokers: ['amqps://b.example:5671'] },
    ],
    tasks: [
      defineTask({ name: 'a', queue: 'jobs', input: z.unknown(), handler: (x: unknown) => x }),
      defineTask({ name: 'b', queue: 'rmq', input: z.unknown(), handler: (x: unknown) => x }),
      defineTask({ name: 'c', queue: 'homed', input: z.unknown(), handler: (x: unknown) => x }),
    ],
    queues: {
      jobs: { sqs: true },
      rmq: { lambda: { consumer: 'rmq' }, homeRegion: 'eu-west-1' },
      homed: { homeRegion: 'eu-west-1' },
    },
  }),
);
const functions: FunctionPlan[] = plan.regions.flatMap((r) => [
  r.ingest,
  ...r.sqsQueues.map((q) => q.worker),
  ...r.rmqWorkers.map((w) => w.worker),
  ...(r.forwarder ? [r.forwarder.drain] : []),
]);

describe('each function reads every environment variable the plan sets on it', () => {
  it('the plan has every kind of function (not vacuous)', () => {
    expect(new Set(functions.map((f) => f.entry))).toEqual(new Set(ENTRIES));
  });

  it.each(ENTRIES)('%s', (entry) => {
    const code = sources.get(entry)!;
    const unread = functions
      .filter((f) => f.entry === entry)
      .flatMap((f) => Object.keys(f.environment).map((name) => `${f.name}: ${name}`))
      .filter((s) => !reads(code, s.split(': ')[1]!));
    expect([...new Set(unread)]).toEqual([]);
  });
});
