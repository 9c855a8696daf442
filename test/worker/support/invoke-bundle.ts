import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { type BuiltFunction, buildFunction, FUNCTIONS_SRC, ROOT } from '../../../scripts/build-functions';

export const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS = 'redis://127.0.0.1:6379';
export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
/**
 * A result store nothing answers, reached with a secret (the REST token) that must never be
 * printed. (A URL holding user:password@ is refused at start since 5b71616: fetch quoted it.)
 */
export const STORE_WITH_PASSWORD = {
  UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1',
  UPSTASH_REDIS_REST_TOKEN: 's3cret-pw',
};
/** What the AWS SDK reads on Lambda (the endpoint of a local SQS API is added per test). */
export const SQS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

export interface Invocation {
  /** The last invocation's answer, or what it threw (as the Lambda runtime would report it). */
  out: { ok?: unknown; error?: string };
  /** stdout + stderr, everything the function printed (what CloudWatch ingests). */
  text: string;
  /** The JSON lines among them. */
  lines: Record<string, unknown>[];
}

/**
 * Builds the Lambda entries as deployed (esbuild, scripts/build-functions.ts) and runs a bundle's
 * `handler` in a fresh Node process with only the given environment; records go under `<run>:`.
 */
export function bundleRunner(run: string) {
  // .build is git-ignored, so a fresh checkout (CI) does not have it yet.
  mkdirSync(join(ROOT, '.build'), { recursive: true });
  const outDir = mkdtempSync(join(ROOT, '.build/test-logs-'));
  const built = new Map<string, Promise<BuiltFunction>>();
  const bundle = (name: string) => {
    let p = built.get(name);
    if (!p) {
      p = buildFunction(join(FUNCTIONS_SRC, `${name}.ts`), outDir);
      built.set(name, p);
    }
    return p;
  };

  /** One invocation per event, in one (warm) process. REMAINING_MS in env sets the time left. */
  async function invoke(name: string, events: unknown[], env: Record<string, string>): Promise<Invocation> {
    const b = await bundle(name);
    const script = `
      const { handler } = await import(${JSON.stringify(b.file)});
      const remaining = Number(process.env.REMAINING_MS ?? 30000);
      const outs = [];
      for (const ev of JSON.parse(process.env.EVENTS))
        outs.push(await handler(ev, { awsRequestId: 'r', getRemainingTimeInMillis: () => remaining })
          .then((r) => ({ ok: r ?? null }), (e) => ({ error: String(e) })));
      process.stdout.write('RESULT ' + JSON.stringify(outs.at(-1)) + '\\n', () => process.exit(0));`;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        cwd: outDir,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          EVENTS: JSON.stringify(events),
          WARREN_REDIS_PREFIX: `${run}:`,
          ...env,
        },
      },
    );
    const all = stdout.split('\n');
    const result = all.find((l) => l.startsWith('RESULT '));
    const lines = all.flatMap((l) => {
      if (!l.startsWith('{')) return [];
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    return { out: result ? JSON.parse(result.slice(7)) : {}, text: stdout + stderr, lines };
  }

  /** Removes the bundles and the records the functions wrote. */
  async function close(): Promise<void> {
    rmSync(outDir, { recursive: true, force: true });
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`${run}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }

  return { invoke, close };
}
