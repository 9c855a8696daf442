import type { FunctionEntry, FunctionPlan } from './plan-types';

/** AWS limits and warren's deploy defaults (the numbers the tests pin down). */
export const LIMITS = {
  lambdaMaxTimeoutS: 900,
  /** Added to the longest task timeout: result write, ack, cold start. */
  workerSlackS: 10,
  /** AWS: a queue's visibility timeout should be at least 6× its function's timeout. */
  visibilityFactor: 6,
  sqsMaxVisibilityS: 43_200,
  /**
   * AWS: a queue feeding Lambda should allow at least 5 receives. An invocation that dies (timeout,
   * out of memory, throttled) leaves its whole batch to come back with one more receive each.
   */
  sqsMinReceiveCount: 5,
  /** A redrive policy's maxReceiveCount is 1..1000 (AWS SQS API reference, RedrivePolicy). */
  sqsMaxReceiveCount: 1000,
  sqsDefaultBatch: 10,
  sqsFifoMaxBatch: 10,
  rmqDefaultBatch: 10,
  rmqDefaultWindowS: 1,
  /** SQS's default message retention (4 days) and its maximum (14 days). */
  sqsDefaultRetentionS: 4 * 24 * 3600,
  sqsMaxRetentionS: 14 * 24 * 3600,
  /** Room in a source queue's retention for a message to wait in a backlog and run. */
  sqsBacklogAllowanceS: 24 * 3600,
  dlqRetentionS: 14 * 24 * 3600,
  /** Lambda's environment is capped at 4 KB; the catalogue must leave room for the rest. */
  catalogueMaxBytes: 3072,
  /** A Lambda invocation's request (and answer) payload, the event's JSON: the Invoke API's 6 MB. */
  lambdaMaxPayloadBytes: 6_291_556,
  /** Kept out of it for the request event's other fields (headers, request context). */
  lambdaEventFieldsBytes: 16 * 1024,
  ingestMemoryMb: 1024,
  workerMemoryMb: 1024,
  drainMemoryMb: 512,
  drainTimeoutS: 50,
  drainSchedule: 'rate(1 minute)',
  /**
   * The longest a job may wait on the broker for a drain to forward it: a drain stops once idle, so
   * a job published after that waits for the next run (the schedule's minute), then for that run's
   * start (cold start, broker connections) and the hop beyond it (SQS to its worker): 30 s allowed.
   */
  drainMaxWaitS: 90,
  /**
   * A result store command's timeout (the Upstash REST client's timeoutMs, the TCP store's
   * commandTimeout): an enqueue makes one before its publish (the idempotency claim) and one after
   * (the record).
   */
  storeCommandTimeoutS: 10,
  /** The ingest's long-poll (`?wait=`) waits up to 30 s. */
  ingestLongPollS: 30,
  /** Added to the ingest's longest request (long-poll or enqueue): start-up, response. */
  ingestSlackS: 5,
} as const;

const FUNCTIONS_DIR = '.build/functions';

/** `eu-west.1:a` → `EuWest1A`: component names allow only letters and digits. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** One Lambda function of the plan, with the settings every warren function shares. */
export function fn(
  name: string,
  entry: FunctionEntry,
  o: Pick<FunctionPlan, 'timeoutS' | 'memoryMb' | 'environment' | 'links'>,
): FunctionPlan {
  return {
    name,
    entry,
    bundle: `${FUNCTIONS_DIR}/${entry}`,
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    permissions: [],
    ...o,
    links: [...new Set(o.links)].sort(),
  };
}
