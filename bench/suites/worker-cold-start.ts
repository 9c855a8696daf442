import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BuiltFunction, buildFunction, FUNCTIONS_SRC, ROOT } from '../../scripts/build-functions';
import type { BenchContext, BenchSide, BenchSuite } from '../lib/types';

// Inside the repo: the bundles leave @aws-sdk/* to the Lambda runtime, here node_modules.
const OUT = join(ROOT, '.build/bench-worker-cold-start');
const run = promisify(execFile);
/** The issue's budget for the bundled SQS worker. */
const GOAL = { kb: 250, importMs: 80 };

/** Import time of `file` in a fresh Node process (what a Lambda cold start pays for the code). */
async function importMs(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t); process.exit(0);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: OUT,
    timeout: 60_000,
    env: { PATH: process.env.PATH },
  });
  return Number(stdout.trim().split('\n').pop());
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function side(name: string, role: 'warren' | 'baseline', entry: () => string): BenchSide {
  let built: BuiltFunction | undefined;
  return {
    name,
    role,
    async setup(ctx: BenchContext) {
      built = await buildFunction(entry(), OUT);
      ctx.log(`${name}: ${(built.bytes / 1024).toFixed(1)} KB`);
    },
    async run(ctx: BenchContext) {
      const times: number[] = [];
      for (let i = 0; i < (ctx.quick ? 3 : 5); i++) times.push(await importMs(built!.file));
      const out = { kb: built!.bytes / 1024, importMs: median(times) };
      if (role === 'warren') {
        const verdict = (v: number, goal: number, unit: string) =>
          `${v.toFixed(1)} ${unit} (goal ≤ ${goal} ${unit}: ${v <= goal ? 'met' : 'MISSED'})`;
        ctx.log(
          `sqs-worker: ${verdict(out.kb, GOAL.kb, 'KB')}, import ${verdict(out.importMs, GOAL.importMs, 'ms')}`,
        );
      }
      return out;
    },
  };
}

function writeEntry(name: string, code: string): string {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.ts`);
  writeFileSync(file, code);
  return file;
}

/**
 * What someone would write by hand instead: parse each SQS body, write a result to Upstash,
 * report failures by message id — no validation, retries, backoff, leases or DLQ reasons.
 */
const bareHandler = () =>
  writeEntry(
    'bare-sqs-upstash',
    `import { Redis } from '@upstash/redis';
const redis = new Redis({ url: process.env.UPSTASH_REDIS_REST_URL ?? 'http://localhost', token: process.env.UPSTASH_REDIS_REST_TOKEN ?? 't' });
export async function handler(event: { Records: { messageId: string; body: string }[] }) {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const r of event.Records) {
    try {
      const job = JSON.parse(r.body);
      await redis.set('job:' + job.id, JSON.stringify({ state: 'succeeded' }), { ex: 86400 });
    } catch {
      batchItemFailures.push({ itemIdentifier: r.messageId });
    }
  }
  return { batchItemFailures };
}
`,
  );

/** The floor every SQS Lambda in Node pays: the AWS SDK's SQS client (provided by the runtime). */
const sdkOnly = () =>
  writeEntry(
    'sdk-only',
    `import { SQSClient } from '@aws-sdk/client-sqs';
export const handler = async () => new SQSClient({}).config.region;
`,
  );

/**
 * Cold start of the SQS Lambda worker: stacks/functions/sqs-worker.ts bundled exactly as deployed
 * (scripts/build-functions.ts: esbuild, minified ESM, @aws-sdk/* external), its size, and the
 * median import time of 5 fresh `node` processes (3 with --quick). Import times include loading
 * the external @aws-sdk/client-sqs from node_modules, as on Lambda; they are indicative on a
 * shared machine. Goal (issue 6): ≤ 250 KB and ≤ 80 ms, printed as met/MISSED.
 */
const suite: BenchSuite = {
  id: 'worker-cold-start',
  title: 'SQS Lambda worker cold start: bundle size and import time',
  metrics: [
    { key: 'kb', label: 'bundle size', unit: 'KB', better: 'lower' },
    { key: 'importMs', label: 'cold import (median of 5)', unit: 'ms', better: 'lower' },
  ],
  sides: [
    side('sqs-worker entry (createWorker + @warren/sqs + results)', 'warren', () =>
      join(FUNCTIONS_SRC, 'sqs-worker.ts'),
    ),
    side('bare SQS handler (JSON.parse + @upstash/redis set)', 'baseline', bareHandler),
    side('@aws-sdk/client-sqs import alone', 'baseline', sdkOnly),
  ],
};

export default suite;
