import type { FunctionPlan } from './plan-types';

/** Lambda's limit on a function's environment: keys plus values, in bytes. */
export const LAMBDA_ENV_MAX_BYTES = 4096;

/**
 * Room kept for what SST adds to every function (SST_KEY, SST_KEY_FILE, SST_RESOURCE_App with the
 * app and stage names); linked secrets go to an encrypted file, not the environment.
 */
export const SST_ENV_RESERVE_BYTES = 320;

/**
 * Upper bounds of what a `{ref:...}` placeholder becomes at deploy time: an SQS queue URL
 * (`https://sqs.<region>.amazonaws.com/<account>/<name of up to 80>`), an ARN, an Amazon MQ
 * endpoint (`amqps://b-<uuid>.mq.<region>.amazonaws.com:5671`).
 */
const RESOLVED_MAX: Record<string, number> = { url: 160, arn: 160, endpoint: 100 };

const REF = /\{ref:[A-Za-z0-9]+\.([a-z]+)\}/g;
const utf8 = new TextEncoder();

/** The most bytes a planned environment can take once its placeholders are resolved. */
export function envBytes(env: Record<string, string>): number {
  let total = 0;
  for (const [k, v] of Object.entries(env)) {
    const refs = [...v.matchAll(REF)];
    const bare = refs.reduce((s, m) => s.replace(m[0], ''), v);
    total += utf8.encode(k + bare).byteLength + refs.reduce((s, m) => s + (RESOLVED_MAX[m[1]!] ?? 200), 0);
  }
  return total;
}

/**
 * A function whose environment could pass Lambda's 4 KB would fail `sst deploy` at the Lambda API
 * (the forward drain's links grow with every forwarded queue), so it is refused at plan time.
 */
export function envSizeProblems(fns: FunctionPlan[]): string[] {
  const max = LAMBDA_ENV_MAX_BYTES - SST_ENV_RESERVE_BYTES;
  return fns
    .filter((f) => envBytes(f.environment) > max)
    .map(
      (f) =>
        `${f.name}: its environment may take ${envBytes(f.environment)} bytes once deployed, more than the ${max} left of Lambda's 4 KB; forward fewer queues from one region, or shorten queue and region names`,
    );
}
